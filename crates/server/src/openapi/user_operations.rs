//! The document's entries for a customer's users (users-api U1–U6), one per served method and
//! path, kept beside the customers' entries of `operations.rs`.

use super::operations::{
    answer, guid, param, typed, Answer, At, Auth, Kind, Operation, Param, BAD_ID, CONTROL, ERROR, ID, NOT_FOUND,
    PARTNER_CENTER, REQUEST_ID, SEEK_OPERATIONS, SIZE,
};

const USER_ID: Param = guid("user_id", At::Path, true, "The user's object id (GUID, case-insensitive).");
const USER: Option<&str> = Some("CustomerUser");
const NO_USER: Answer = answer(404, "No such customer (code 1000), or no such active user (code 60002).", ERROR);
const INVALID: Answer = answer(
    400,
    "Invalid input: the data member names the fields (code 800002); a user id that is not a GUID; a customer id that is not one (900118).",
    ERROR,
);
const TAKEN: Answer = answer(409, "Another user of the customer has this userPrincipalName (code 800002).", ERROR);

const ROLE_ID: Param = guid("role_id", At::Path, true, "A directory role's id (its Entra role template id).");
const UNKNOWN_ROLE: Answer = answer(404, "No such customer or role (code 1000).", ERROR);
const LICENSE_GROUPS: Param = typed(
    "licenseGroupIds",
    At::Query,
    false,
    "Group1 (Azure AD-managed products, the default) and/or Group2 (Minecraft); repeatable or comma-separated.",
    Kind::OneOf(&["Group1", "Group2"]),
);

pub const USER_OPERATIONS: &[Operation] = &[
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/users",
        tag: PARTNER_CENTER,
        summary: "List a customer's users: one page, active ones or (filtered) the deleted ones",
        auth: Auth::Partner,
        params: &[
            ID,
            SIZE,
            param("filter", At::Query, false, "URL-encoded JSON {\"Field\": \"UserState\", \"Value\": \"Inactive\"|\"Active\", \"Operator\": \"equals\"}: the deleted users, restorable for 30 days."),
            typed("seekOperation", At::Query, false, "Next, Previous, First or Last; Next and Previous need MS-ContinuationToken.", Kind::OneOf(SEEK_OPERATIONS)),
            typed("sortField", At::Query, false, "DisplayName (the only order).", Kind::OneOf(&["DisplayName"])),
            typed("sortDirection", At::Query, false, "Ascending (the only direction).", Kind::OneOf(&["Ascending"])),
            param("MS-ContinuationToken", At::Header, false, "The continuationToken of the page to seek from; it carries the size and filter."),
        ],
        body: None,
        answers: &[
            answer(200, "A page of users, by display name.", Some("CustomerUserCollection")),
            answer(400, "Bad size, filter (code 2000 for another field or operator), sort or continuation token.", ERROR),
            BAD_ID,
            NOT_FOUND,
        ],
    },
    Operation {
        method: "POST",
        path: "/v1/customers/{id}/users",
        tag: PARTNER_CENTER,
        summary: "Create a user in one of the customer's domains (the answer echoes its password, once)",
        auth: Auth::Partner,
        params: &[ID, REQUEST_ID],
        body: USER,
        answers: &[
            answer(201, "The created user with its passwordProfile; Location names it.", USER),
            INVALID,
            NOT_FOUND,
            TAKEN,
            answer(422, "The same MS-RequestId with a different body.", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/users/{user_id}",
        tag: PARTNER_CENTER,
        summary: "Get an active user",
        auth: Auth::Partner,
        params: &[ID, USER_ID],
        body: None,
        answers: &[answer(200, "The user.", USER), INVALID, NO_USER],
    },
    Operation {
        method: "PATCH",
        path: "/v1/customers/{id}/users/{user_id}",
        tag: PARTNER_CENTER,
        summary: "Update a user, reset its password (passwordProfile), or restore a deleted one (state: active)",
        auth: Auth::Partner,
        params: &[ID, USER_ID, REQUEST_ID],
        body: USER,
        answers: &[
            answer(200, "The user; passwordProfile when the request set one.", USER),
            INVALID,
            NO_USER,
            TAKEN,
        ],
    },
    Operation {
        method: "DELETE",
        path: "/v1/customers/{id}/users/{user_id}",
        tag: PARTNER_CENTER,
        summary: "Delete a user: inactive, listed by the UserState filter and restorable for 30 days",
        auth: Auth::Partner,
        params: &[ID, USER_ID, REQUEST_ID],
        body: None,
        answers: &[answer(204, "Deleted.", None), INVALID, NO_USER],
    },
    Operation {
        method: "PATCH",
        path: "/v1/customers/{id}/users/{user_id}/resetpassword",
        tag: PARTNER_CENTER,
        summary: "Reset a user's password (the same as PATCH on the user)",
        auth: Auth::Partner,
        params: &[ID, USER_ID, REQUEST_ID],
        body: USER,
        answers: &[answer(200, "The user with its new passwordProfile.", USER), INVALID, NO_USER, TAKEN],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/users/{user_id}/directoryroles",
        tag: PARTNER_CENTER,
        summary: "An active user's directory roles",
        auth: Auth::Partner,
        params: &[ID, USER_ID],
        body: None,
        answers: &[answer(200, "A collection of DirectoryRole.", Some("Object")), INVALID, NO_USER],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/users/{user_id}/licenses",
        tag: PARTNER_CENTER,
        summary: "The licenses assigned to an active user",
        auth: Auth::Partner,
        params: &[ID, USER_ID, LICENSE_GROUPS],
        body: None,
        answers: &[answer(200, "A collection of License.", Some("Object")), INVALID, NO_USER],
    },
    Operation {
        method: "POST",
        path: "/v1/customers/{id}/users/{user_id}/licenseupdates",
        tag: PARTNER_CENTER,
        summary: "Assign (licensesToAssign) and remove (licensesToRemove) an active user's licenses, all or nothing",
        auth: Auth::Partner,
        params: &[ID, USER_ID, REQUEST_ID],
        body: Some("LicenseUpdate"),
        answers: &[
            answer(201, "The update as applied, with licenseWarnings.", Some("LicenseUpdate")),
            answer(400, "Invalid update (code 800002): no usageLocation, a SKU the customer lacks, an unknown plan, two license groups; no units left (code 60012).", ERROR),
            NO_USER,
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/directoryroles",
        tag: PARTNER_CENTER,
        summary: "The directory roles every customer has",
        auth: Auth::Partner,
        params: &[ID],
        body: None,
        answers: &[answer(200, "A collection of DirectoryRole.", Some("Object")), BAD_ID, NOT_FOUND],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/directoryroles/{role_id}/usermembers",
        tag: PARTNER_CENTER,
        summary: "A role's active members: one page, seek as the users list",
        auth: Auth::Partner,
        params: &[
            ID,
            ROLE_ID,
            SIZE,
            typed("seekOperation", At::Query, false, "Next, Previous, First or Last; Next and Previous need MS-ContinuationToken.", Kind::OneOf(SEEK_OPERATIONS)),
            param("MS-ContinuationToken", At::Header, false, "The continuationToken of the page to seek from."),
        ],
        body: None,
        answers: &[answer(200, "A page of UserMember.", Some("Object")), INVALID, UNKNOWN_ROLE],
    },
    Operation {
        method: "POST",
        path: "/v1/customers/{id}/directoryroles/{role_id}/usermembers",
        tag: PARTNER_CENTER,
        summary: "Add an active user ({\"id\": user id}) to a role",
        auth: Auth::Partner,
        params: &[ID, ROLE_ID, REQUEST_ID],
        body: Some("UserMember"),
        answers: &[
            answer(201, "The member.", Some("UserMember")),
            INVALID,
            answer(404, "No such customer or role (code 1000), or no such active user (code 60002).", ERROR),
            answer(409, "Already a member (code 800002).", ERROR),
        ],
    },
    Operation {
        method: "DELETE",
        path: "/v1/customers/{id}/directoryroles/{role_id}/usermembers/{user_id}",
        tag: PARTNER_CENTER,
        summary: "Remove a user from a role",
        auth: Auth::Partner,
        params: &[ID, ROLE_ID, USER_ID, REQUEST_ID],
        body: None,
        answers: &[
            answer(204, "Removed.", None),
            INVALID,
            answer(404, "No such customer or role (code 1000), or not a member (code 60002).", ERROR),
        ],
    },
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/subscribedskus",
        tag: PARTNER_CENTER,
        summary: "The customer's subscribed SKUs with their unit counts",
        auth: Auth::Partner,
        params: &[ID, LICENSE_GROUPS],
        body: None,
        answers: &[
            answer(200, "A collection of SubscribedSku.", Some("Object")),
            answer(400, "An unknown license group (code 900126) or customer id (900118).", ERROR),
            NOT_FOUND,
        ],
    },
    Operation {
        method: "PUT",
        path: "/_partnerd/partners/{partner}/customers/{customer}/subscribedskus",
        tag: CONTROL,
        summary: "Set a customer's SKUs from the built-in catalogue: {\"skus\": [{\"sku\": id or part number, \"activeUnits\": n}]}",
        auth: Auth::Admin,
        params: &[
            guid("partner", At::Path, true, "The partner (a GUID)."),
            guid("customer", At::Path, true, "The partner's customer (a GUID)."),
        ],
        body: Some("Object"),
        answers: &[
            answer(200, "The customer's subscribed SKUs, as Partner Center lists them.", Some("Object")),
            answer(400, "A SKU not in the catalogue, named twice, or a unit count out of range.", ERROR),
            answer(404, "No such customer for this partner.", ERROR),
        ],
    },
];
