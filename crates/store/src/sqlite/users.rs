//! A customer's users on SQLite. Writes run on the single writer connection, so the checks
//! (customer, UPN, state) and the change they allow cannot be raced.

use rusqlite::types::{ToSqlOutput, Type};
use rusqlite::{params, Connection, OptionalExtension, ToSql};

use crate::page::PageBuilder;
use crate::users::{page_sql, PageParam};
use crate::{
    Applied, ListQuery, Page, Refusal, SkuUnits, StoreError, StoredUser, UserChange, UserLookup, UserQuery, UserRecord,
};

impl ToSql for PageParam {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            PageParam::Text(s) => s.to_sql(),
            PageParam::Int(i) => i.to_sql(),
        }
    }
}

fn customer_exists(conn: &Connection, partner: &str, customer: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customers WHERE id = ?1 AND partner_id = ?2")?.exists([customer, partner])
}

pub fn page(conn: &Connection, partner: &str, customer: &str, query: &UserQuery) -> rusqlite::Result<Option<Page>> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(None);
    }
    let q = page_sql(customer, query, false);
    let list = ListQuery { filter: None, size: query.size, seek: query.seek.clone() };
    let mut stmt = conn.prepare_cached(&q.sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(q.params.iter()))?;
    let mut page = PageBuilder::new(&list);
    while let Some(r) = rows.next()? {
        page.push(text(r, 0)?, text(r, 1)?, text(r, 2)?);
    }
    Ok(Some(page.finish(&list, q.descending)))
}

fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

pub fn get(
    conn: &Connection,
    partner: &str,
    customer: &str,
    id: &str,
    purge_before: i64,
) -> rusqlite::Result<UserLookup> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(UserLookup::NoCustomer);
    }
    let found = conn
        .prepare_cached(
            "SELECT doc, deleted_at FROM customer_users WHERE customer_id = ?1 AND id = ?2 \
             AND (deleted_at IS NULL OR deleted_at >= ?3)",
        )?
        .query_row(params![customer, id, purge_before], |r| {
            Ok(StoredUser { doc: r.get(0)?, deleted_at: r.get(1)?, roles: Vec::new(), licenses: Vec::new() })
        })
        .optional()?;
    let Some(mut user) = found else { return Ok(UserLookup::NoUser) };
    user.roles = conn
        .prepare_cached("SELECT role_id FROM user_roles WHERE customer_id = ?1 AND user_id = ?2 ORDER BY role_id")?
        .query_map([customer, id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    user.licenses = conn
        .prepare_cached(
            "SELECT sku_id, excluded_plans FROM license_assignments WHERE customer_id = ?1 AND user_id = ?2 \
             ORDER BY sku_id",
        )?
        .query_map([customer, id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(UserLookup::Found(user))
}

pub fn skus(conn: &Connection, partner: &str, customer: &str) -> rusqlite::Result<Option<Vec<SkuUnits>>> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(None);
    }
    let rows = conn
        .prepare_cached(
            "SELECT s.sku_id, s.active_units, s.suspended_units, s.warning_units, \
             (SELECT count(*) FROM license_assignments a WHERE a.customer_id = s.customer_id AND a.sku_id = s.sku_id) \
             FROM customer_skus s WHERE s.customer_id = ?1 ORDER BY s.sku_id",
        )?
        .query_map([customer], |r| {
            Ok(SkuUnits {
                sku_id: r.get(0)?,
                active: r.get(1)?,
                suspended: r.get(2)?,
                warning: r.get(3)?,
                consumed: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(rows))
}

pub fn change(
    conn: &Connection,
    partner: &str,
    customer: &str,
    change: &UserChange,
    purge_before: i64,
) -> Result<Applied, StoreError> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(Applied::NotFound);
    }
    conn.prepare_cached(
        "DELETE FROM user_roles WHERE customer_id = ?1 AND user_id IN \
         (SELECT id FROM customer_users WHERE customer_id = ?1 AND deleted_at < ?2)",
    )?
    .execute(params![customer, purge_before])?;
    conn.prepare_cached("DELETE FROM customer_users WHERE customer_id = ?1 AND deleted_at < ?2")?
        .execute(params![customer, purge_before])?;
    Ok(match change {
        UserChange::Create { record, if_upn_free, roles } => {
            if upn_taken(conn, customer, record)? {
                return Ok(if *if_upn_free { Applied::Done } else { Applied::UserTaken });
            }
            conn.prepare_cached(
                "INSERT INTO customer_users (customer_id, id, upn_key, name_key, deleted_at, doc, created_at) \
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)",
            )?
            .execute(params![
                customer,
                record.id,
                record.upn_key,
                record.name_key,
                record.doc,
                record.created_at
            ])?;
            for role in roles {
                conn.prepare_cached("INSERT INTO user_roles (customer_id, role_id, user_id) VALUES (?1, ?2, ?3)")?
                    .execute([customer, role, &record.id])?;
            }
            Applied::Done
        }
        UserChange::Replace { record, restore } => {
            let deleted_at: Option<Option<i64>> = conn
                .prepare_cached("SELECT deleted_at FROM customer_users WHERE customer_id = ?1 AND id = ?2")?
                .query_row([customer, &record.id], |r| r.get(0))
                .optional()?;
            match deleted_at {
                Some(d) if d.is_some() == *restore => {}
                _ => return Ok(Applied::UserNotFound),
            }
            if upn_taken(conn, customer, record)? {
                return Ok(Applied::UserTaken);
            }
            conn.prepare_cached(
                "UPDATE customer_users SET upn_key = ?3, name_key = ?4, doc = ?5, deleted_at = NULL \
                 WHERE customer_id = ?1 AND id = ?2",
            )?
            .execute(params![customer, record.id, record.upn_key, record.name_key, record.doc])?;
            Applied::Done
        }
        UserChange::Delete { id, at } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE customer_users SET deleted_at = ?3 \
                     WHERE customer_id = ?1 AND id = ?2 AND deleted_at IS NULL",
                )?
                .execute(params![customer, id, at])?;
            if changed == 0 {
                return Ok(Applied::UserNotFound);
            }
            conn.prepare_cached("DELETE FROM license_assignments WHERE customer_id = ?1 AND user_id = ?2")?
                .execute([customer, id])?;
            Applied::Done
        }
        UserChange::AddRole { role, user } => {
            if !active(conn, customer, user)? {
                return Ok(Applied::UserNotFound);
            }
            let added = conn
                .prepare_cached(
                    "INSERT INTO user_roles (customer_id, role_id, user_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                )?
                .execute([customer, role, user])?;
            if added == 0 {
                Applied::Refused(Refusal::AlreadyMember)
            } else {
                Applied::Done
            }
        }
        UserChange::RemoveRole { role, user } => {
            let removed = conn
                .prepare_cached("DELETE FROM user_roles WHERE customer_id = ?1 AND role_id = ?2 AND user_id = ?3")?
                .execute([customer, role, user])?;
            if removed == 0 || !active(conn, customer, user)? {
                Applied::Refused(Refusal::NotMember)
            } else {
                Applied::Done
            }
        }
        UserChange::Licenses { user, assign, remove } => licenses(conn, customer, user, assign, remove)?,
        UserChange::SetSkus(skus) => {
            conn.prepare_cached("DELETE FROM customer_skus WHERE customer_id = ?1")?.execute([customer])?;
            for sku in skus {
                conn.prepare_cached(
                    "INSERT INTO customer_skus (customer_id, sku_id, active_units, suspended_units, warning_units) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![customer, sku.sku_id, sku.active, sku.suspended, sku.warning])?;
            }
            conn.prepare_cached(
                "DELETE FROM license_assignments WHERE customer_id = ?1 AND sku_id NOT IN \
                 (SELECT sku_id FROM customer_skus WHERE customer_id = ?1)",
            )?
            .execute([customer])?;
            Applied::Done
        }
    })
}

fn active(conn: &Connection, customer: &str, user: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_users WHERE customer_id = ?1 AND id = ?2 AND deleted_at IS NULL")?
        .exists([customer, user])
}

/// A license update, checked and applied in the writer's transaction: the unit count read
/// here cannot change before the insert that uses it.
fn licenses(
    conn: &Connection,
    customer: &str,
    user: &str,
    assign: &[(String, String)],
    remove: &[String],
) -> Result<Applied, StoreError> {
    if !active(conn, customer, user)? {
        return Ok(Applied::UserNotFound);
    }
    for sku in remove {
        let removed = conn
            .prepare_cached("DELETE FROM license_assignments WHERE customer_id = ?1 AND user_id = ?2 AND sku_id = ?3")?
            .execute([customer, user, sku])?;
        if removed == 0 {
            return Ok(Applied::Refused(Refusal::NotAssigned(sku.clone())));
        }
    }
    for (sku, excluded) in assign {
        let units: Option<(i64, i64)> = conn
            .prepare_cached(
                "SELECT active_units + warning_units, \
                 (SELECT count(*) FROM license_assignments a WHERE a.customer_id = ?1 AND a.sku_id = ?2) \
                 FROM customer_skus WHERE customer_id = ?1 AND sku_id = ?2",
            )?
            .query_row([customer, sku], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((total, consumed)) = units else {
            return Ok(Applied::Refused(Refusal::UnknownSku(sku.clone())));
        };
        let updated = conn
            .prepare_cached(
                "UPDATE license_assignments SET excluded_plans = ?4 WHERE customer_id = ?1 AND user_id = ?2 AND sku_id = ?3",
            )?
            .execute([customer, user, sku, excluded])?;
        if updated == 0 {
            if consumed >= total {
                return Ok(Applied::Refused(Refusal::NoUnits { customer: customer.to_string(), sku: sku.clone() }));
            }
            conn.prepare_cached(
                "INSERT INTO license_assignments (customer_id, user_id, sku_id, excluded_plans) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute([customer, user, sku, excluded])?;
        }
    }
    Ok(Applied::Done)
}

/// Whether another user of the customer has the record's UPN.
fn upn_taken(conn: &Connection, customer: &str, record: &UserRecord) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_users WHERE customer_id = ?1 AND upn_key = ?2 AND id <> ?3")?.exists([
        customer,
        &record.upn_key,
        &record.id,
    ])
}

/// The directory rows of every customer with an id in `(after, last]`, for a snapshot page.
pub fn directory_rows(
    conn: &Connection,
    after: &str,
    last: &str,
) -> rusqlite::Result<crate::directory_snapshot::DirectoryRows> {
    let users = conn
        .prepare_cached(
            "SELECT customer_id, id, upn_key, name_key, deleted_at, doc, created_at FROM customer_users \
             WHERE customer_id > ?1 AND customer_id <= ?2 ORDER BY customer_id, name_key, id",
        )?
        .query_map([after, last], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let roles = conn
        .prepare_cached(
            "SELECT customer_id, role_id, user_id FROM user_roles WHERE customer_id > ?1 AND customer_id <= ?2 \
             ORDER BY customer_id, role_id, user_id",
        )?
        .query_map([after, last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let skus = conn
        .prepare_cached(
            "SELECT customer_id, sku_id, active_units, suspended_units, warning_units FROM customer_skus \
             WHERE customer_id > ?1 AND customer_id <= ?2 ORDER BY customer_id, sku_id",
        )?
        .query_map([after, last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let licenses = conn
        .prepare_cached(
            "SELECT customer_id, user_id, sku_id, excluded_plans FROM license_assignments \
             WHERE customer_id > ?1 AND customer_id <= ?2 ORDER BY customer_id, user_id, sku_id",
        )?
        .query_map([after, last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(crate::directory_snapshot::DirectoryRows { users, roles, skus, licenses })
}

/// Inserts a restored customer's directory; false (nothing inserted is kept: the restore
/// rolls back) when a user id is taken.
pub fn insert_directory(
    conn: &Connection,
    customer: &str,
    dir: &crate::directory_snapshot::CustomerDirectory,
) -> rusqlite::Result<bool> {
    for (sku, active, suspended, warning) in &dir.skus {
        conn.prepare_cached(
            "INSERT INTO customer_skus (customer_id, sku_id, active_units, suspended_units, warning_units) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![customer, sku, active, suspended, warning])?;
    }
    for (record, deleted_at) in &dir.users {
        let inserted = conn
            .prepare_cached(
                "INSERT INTO customer_users (customer_id, id, upn_key, name_key, deleted_at, doc, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                customer,
                record.id,
                record.upn_key,
                record.name_key,
                deleted_at,
                record.doc,
                record.created_at
            ])?;
        if inserted == 0 {
            return Ok(false);
        }
    }
    for (role, user) in &dir.roles {
        conn.prepare_cached(
            "INSERT INTO user_roles (customer_id, role_id, user_id) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?
        .execute([customer, role, user])?;
    }
    for (user, sku, excluded) in &dir.licenses {
        conn.prepare_cached(
            "INSERT INTO license_assignments (customer_id, user_id, sku_id, excluded_plans) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT DO NOTHING",
        )?
        .execute([customer, user, sku, excluded])?;
    }
    Ok(true)
}
