//! A customer's users on PostgreSQL. A write locks its customer's row first, so the writes to
//! one customer's users (on any instance) run one at a time: two creates of one UPN cannot
//! both pass the check, and a delete cannot interleave with a restore.

use deadpool_postgres::Transaction;

use super::pool::Client;
use crate::page::PageBuilder;
use crate::users::{page_sql, PageParam};
use crate::{
    Applied, ListQuery, Page, Refusal, SkuUnits, StoreError, StoredUser, UserChange, UserLookup, UserQuery, UserRecord,
};
use tokio_postgres::types::ToSql;

async fn customer_exists(client: &Client, partner: &str, customer: &str) -> Result<bool, StoreError> {
    let stmt = client.prepare_cached("SELECT 1 FROM customers WHERE id = $1 AND partner_id = $2").await?;
    Ok(client.query_opt(&stmt, &[&customer, &partner]).await?.is_some())
}

/// The bound value as PostgreSQL takes it. (Every text bound here is a GUID the server
/// parsed or a position the server sealed from stored rows: none can hold a NUL.)
fn param_value(p: &PageParam) -> &(dyn ToSql + Sync) {
    match p {
        PageParam::Text(s) => s,
        PageParam::Int(i) => i,
    }
}

pub async fn page(
    client: &Client,
    partner: &str,
    customer: &str,
    query: &UserQuery,
) -> Result<Option<Page>, StoreError> {
    if !customer_exists(client, partner, customer).await? {
        return Ok(None);
    }
    let q = page_sql(customer, query, true);
    let list = ListQuery { filter: None, size: query.size, seek: query.seek.clone() };
    let mut page = PageBuilder::new(&list);
    let stmt = client.prepare_cached(&q.sql).await?;
    let params: Vec<_> = q.params.iter().map(param_value).collect();
    for r in client.query(&stmt, &params).await? {
        page.push(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
    }
    Ok(Some(page.finish(&list, q.descending)))
}

pub async fn get(
    client: &Client,
    partner: &str,
    customer: &str,
    id: &str,
    purge_before: i64,
) -> Result<UserLookup, StoreError> {
    if !customer_exists(client, partner, customer).await? {
        return Ok(UserLookup::NoCustomer);
    }
    let stmt = client
        .prepare_cached(
            "SELECT doc, deleted_at FROM customer_users WHERE customer_id = $1 AND id = $2 \
             AND (deleted_at IS NULL OR deleted_at >= $3)",
        )
        .await?;
    let Some(row) = client.query_opt(&stmt, &[&customer, &id, &purge_before]).await? else {
        return Ok(UserLookup::NoUser);
    };
    let roles = client
        .query(
            "SELECT role_id FROM user_roles WHERE customer_id = $1 AND user_id = $2 ORDER BY role_id",
            &[&customer, &id],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    let licenses = client
        .query(
            "SELECT sku_id, excluded_plans FROM license_assignments WHERE customer_id = $1 AND user_id = $2 \
             ORDER BY sku_id",
            &[&customer, &id],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()?;
    Ok(UserLookup::Found(StoredUser { doc: row.try_get(0)?, deleted_at: row.try_get(1)?, roles, licenses }))
}

pub async fn skus(client: &Client, partner: &str, customer: &str) -> Result<Option<Vec<SkuUnits>>, StoreError> {
    if !customer_exists(client, partner, customer).await? {
        return Ok(None);
    }
    let rows = client
        .query(
            "SELECT s.sku_id, s.active_units, s.suspended_units, s.warning_units, \
             (SELECT count(*) FROM license_assignments a WHERE a.customer_id = s.customer_id AND a.sku_id = s.sku_id) \
             FROM customer_skus s WHERE s.customer_id = $1 ORDER BY s.sku_id",
            &[&customer],
        )
        .await?;
    let skus = rows
        .iter()
        .map(|r| {
            Ok(SkuUnits {
                sku_id: r.try_get(0)?,
                active: r.try_get(1)?,
                suspended: r.try_get(2)?,
                warning: r.try_get(3)?,
                consumed: r.try_get(4)?,
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()?;
    Ok(Some(skus))
}

pub async fn change(
    tx: &Transaction<'_>,
    partner: &str,
    customer: &str,
    change: &UserChange,
    purge_before: i64,
) -> Result<Applied, StoreError> {
    let locked = tx
        .query_opt("SELECT 1 FROM customers WHERE id = $1 AND partner_id = $2 FOR UPDATE", &[&customer, &partner])
        .await?;
    if locked.is_none() {
        return Ok(Applied::NotFound);
    }
    tx.execute(
        "DELETE FROM user_roles WHERE customer_id = $1 AND user_id IN \
         (SELECT id FROM customer_users WHERE customer_id = $1 AND deleted_at < $2)",
        &[&customer, &purge_before],
    )
    .await?;
    tx.execute("DELETE FROM customer_users WHERE customer_id = $1 AND deleted_at < $2", &[&customer, &purge_before])
        .await?;
    Ok(match change {
        UserChange::Create { record, if_upn_free, roles } => {
            if upn_taken(tx, customer, record).await? {
                return Ok(if *if_upn_free { Applied::Done } else { Applied::UserTaken });
            }
            tx.execute(
                "INSERT INTO customer_users (customer_id, id, upn_key, name_key, deleted_at, doc, created_at) \
                 VALUES ($1, $2, $3, $4, NULL, $5, $6)",
                &[&customer, &record.id, &record.upn_key, &record.name_key, &record.doc, &record.created_at],
            )
            .await?;
            for role in roles {
                tx.execute(
                    "INSERT INTO user_roles (customer_id, role_id, user_id) VALUES ($1, $2, $3)",
                    &[&customer, role, &record.id],
                )
                .await?;
            }
            Applied::Done
        }
        UserChange::Replace { record, restore } => {
            let row = tx
                .query_opt(
                    "SELECT deleted_at FROM customer_users WHERE customer_id = $1 AND id = $2",
                    &[&customer, &record.id],
                )
                .await?;
            let deleted_at: Option<Option<i64>> = row.map(|r| r.try_get(0)).transpose()?;
            match deleted_at {
                Some(d) if d.is_some() == *restore => {}
                _ => return Ok(Applied::UserNotFound),
            }
            if upn_taken(tx, customer, record).await? {
                return Ok(Applied::UserTaken);
            }
            tx.execute(
                "UPDATE customer_users SET upn_key = $3, name_key = $4, doc = $5, deleted_at = NULL \
                 WHERE customer_id = $1 AND id = $2",
                &[&customer, &record.id, &record.upn_key, &record.name_key, &record.doc],
            )
            .await?;
            Applied::Done
        }
        UserChange::Delete { id, at } => {
            let changed = tx
                .execute(
                    "UPDATE customer_users SET deleted_at = $3 \
                     WHERE customer_id = $1 AND id = $2 AND deleted_at IS NULL",
                    &[&customer, id, at],
                )
                .await?;
            if changed == 0 {
                return Ok(Applied::UserNotFound);
            }
            tx.execute("DELETE FROM license_assignments WHERE customer_id = $1 AND user_id = $2", &[&customer, id])
                .await?;
            Applied::Done
        }
        UserChange::AddRole { role, user } => {
            if !active(tx, customer, user).await? {
                return Ok(Applied::UserNotFound);
            }
            let added = tx
                .execute(
                    "INSERT INTO user_roles (customer_id, role_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&customer, role, user],
                )
                .await?;
            if added == 0 {
                Applied::Refused(Refusal::AlreadyMember)
            } else {
                Applied::Done
            }
        }
        UserChange::RemoveRole { role, user } => {
            let removed = tx
                .execute(
                    "DELETE FROM user_roles WHERE customer_id = $1 AND role_id = $2 AND user_id = $3",
                    &[&customer, role, user],
                )
                .await?;
            if removed == 0 || !active(tx, customer, user).await? {
                Applied::Refused(Refusal::NotMember)
            } else {
                Applied::Done
            }
        }
        UserChange::Licenses { user, assign, remove } => licenses(tx, customer, user, assign, remove).await?,
        UserChange::SetSkus(skus) => {
            tx.execute("DELETE FROM customer_skus WHERE customer_id = $1", &[&customer]).await?;
            for sku in skus {
                tx.execute(
                    "INSERT INTO customer_skus (customer_id, sku_id, active_units, suspended_units, warning_units) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&customer, &sku.sku_id, &sku.active, &sku.suspended, &sku.warning],
                )
                .await?;
            }
            tx.execute(
                "DELETE FROM license_assignments WHERE customer_id = $1 AND sku_id NOT IN \
                 (SELECT sku_id FROM customer_skus WHERE customer_id = $1)",
                &[&customer],
            )
            .await?;
            Applied::Done
        }
    })
}

async fn active(tx: &Transaction<'_>, customer: &str, user: &str) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "SELECT 1 FROM customer_users WHERE customer_id = $1 AND id = $2 AND deleted_at IS NULL",
            &[&customer, &user],
        )
        .await?;
    Ok(row.is_some())
}

/// A license update, checked and applied under the customer's row lock: no other write to
/// this customer's licenses can run between the unit count and the insert that uses it.
async fn licenses(
    tx: &Transaction<'_>,
    customer: &str,
    user: &str,
    assign: &[(String, String)],
    remove: &[String],
) -> Result<Applied, StoreError> {
    if !active(tx, customer, user).await? {
        return Ok(Applied::UserNotFound);
    }
    for sku in remove {
        let removed = tx
            .execute(
                "DELETE FROM license_assignments WHERE customer_id = $1 AND user_id = $2 AND sku_id = $3",
                &[&customer, &user, sku],
            )
            .await?;
        if removed == 0 {
            return Ok(Applied::Refused(Refusal::NotAssigned(sku.clone())));
        }
    }
    for (sku, excluded) in assign {
        let units = tx
            .query_opt(
                "SELECT active_units + warning_units, \
                 (SELECT count(*) FROM license_assignments a WHERE a.customer_id = $1 AND a.sku_id = $2) \
                 FROM customer_skus WHERE customer_id = $1 AND sku_id = $2",
                &[&customer, sku],
            )
            .await?;
        let Some(units) = units else {
            return Ok(Applied::Refused(Refusal::UnknownSku(sku.clone())));
        };
        let (total, consumed): (i64, i64) = (units.try_get(0)?, units.try_get(1)?);
        let updated = tx
            .execute(
                "UPDATE license_assignments SET excluded_plans = $4 WHERE customer_id = $1 AND user_id = $2 AND sku_id = $3",
                &[&customer, &user, sku, excluded],
            )
            .await?;
        if updated == 0 {
            if consumed >= total {
                return Ok(Applied::Refused(Refusal::NoUnits { customer: customer.to_string(), sku: sku.clone() }));
            }
            tx.execute(
                "INSERT INTO license_assignments (customer_id, user_id, sku_id, excluded_plans) VALUES ($1, $2, $3, $4)",
                &[&customer, &user, sku, excluded],
            )
            .await?;
        }
    }
    Ok(Applied::Done)
}

async fn upn_taken(tx: &Transaction<'_>, customer: &str, record: &UserRecord) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "SELECT 1 FROM customer_users WHERE customer_id = $1 AND upn_key = $2 AND id <> $3",
            &[&customer, &record.upn_key, &record.id],
        )
        .await?;
    Ok(row.is_some())
}

/// The directory rows of every customer with an id in `(after, last]`, for a snapshot page.
pub async fn directory_rows(
    client: &Client,
    after: &str,
    last: &str,
) -> Result<crate::directory_snapshot::DirectoryRows, StoreError> {
    let mut rows = crate::directory_snapshot::DirectoryRows::default();
    for r in client
        .query(
            "SELECT customer_id, id, upn_key, name_key, deleted_at, doc, created_at FROM customer_users \
             WHERE customer_id > $1 AND customer_id <= $2 ORDER BY customer_id, name_key, id",
            &[&after, &last],
        )
        .await?
    {
        rows.users.push((
            r.try_get(0)?,
            r.try_get(1)?,
            r.try_get(2)?,
            r.try_get(3)?,
            r.try_get(4)?,
            r.try_get(5)?,
            r.try_get(6)?,
        ));
    }
    for r in client
        .query(
            "SELECT customer_id, role_id, user_id FROM user_roles WHERE customer_id > $1 AND customer_id <= $2 \
             ORDER BY customer_id, role_id, user_id",
            &[&after, &last],
        )
        .await?
    {
        rows.roles.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
    }
    for r in client
        .query(
            "SELECT customer_id, sku_id, active_units, suspended_units, warning_units FROM customer_skus \
             WHERE customer_id > $1 AND customer_id <= $2 ORDER BY customer_id, sku_id",
            &[&after, &last],
        )
        .await?
    {
        rows.skus.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?));
    }
    for r in client
        .query(
            "SELECT customer_id, user_id, sku_id, excluded_plans FROM license_assignments \
             WHERE customer_id > $1 AND customer_id <= $2 ORDER BY customer_id, user_id, sku_id",
            &[&after, &last],
        )
        .await?
    {
        rows.licenses.push((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?));
    }
    Ok(rows)
}

/// Inserts a restored customer's directory; false (the restore rolls back) when a user id is
/// taken.
pub async fn insert_directory(
    tx: &Transaction<'_>,
    customer: &str,
    dir: &crate::directory_snapshot::CustomerDirectory,
) -> Result<bool, StoreError> {
    for (sku, active, suspended, warning) in &dir.skus {
        tx.execute(
            "INSERT INTO customer_skus (customer_id, sku_id, active_units, suspended_units, warning_units) \
             VALUES ($1, $2, $3, $4, $5)",
            &[&customer, sku, active, suspended, warning],
        )
        .await?;
    }
    for (record, deleted_at) in &dir.users {
        let inserted = tx
            .execute(
                "INSERT INTO customer_users (customer_id, id, upn_key, name_key, deleted_at, doc, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                &[
                    &customer,
                    &record.id,
                    &record.upn_key,
                    &record.name_key,
                    deleted_at,
                    &record.doc,
                    &record.created_at,
                ],
            )
            .await?;
        if inserted == 0 {
            return Ok(false);
        }
    }
    for (role, user) in &dir.roles {
        tx.execute(
            "INSERT INTO user_roles (customer_id, role_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&customer, role, user],
        )
        .await?;
    }
    for (user, sku, excluded) in &dir.licenses {
        tx.execute(
            "INSERT INTO license_assignments (customer_id, user_id, sku_id, excluded_plans) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING",
            &[&customer, user, sku, excluded],
        )
        .await?;
    }
    Ok(true)
}
