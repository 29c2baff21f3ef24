//! The document's entries for a customer's users (users-api U1–U6), one per served method and
//! path, kept beside the customers' entries of `operations.rs`.

use super::operations::{
    answer, param, Answer, At, Auth, Operation, Param, BAD_ID, ERROR, ID, NOT_FOUND, PARTNER_CENTER, REQUEST_ID,
};

const USER_ID: Param = param("user_id", At::Path, true, "The user's object id (GUID, case-insensitive).");
const USER: Option<&str> = Some("CustomerUser");
const NO_USER: Answer = answer(404, "No such customer (code 1000), or no such active user (code 60002).", ERROR);
const INVALID: Answer = answer(
    400,
    "Invalid input: the data member names the fields (code 800002); a user id that is not a GUID; a customer id that is not one (900118).",
    ERROR,
);
const TAKEN: Answer = answer(409, "Another user of the customer has this userPrincipalName (code 800002).", ERROR);

pub const USER_OPERATIONS: &[Operation] = &[
    Operation {
        method: "GET",
        path: "/v1/customers/{id}/users",
        tag: PARTNER_CENTER,
        summary: "List a customer's users: one page, active ones or (filtered) the deleted ones",
        auth: Auth::Partner,
        params: &[
            ID,
            param("size", At::Query, false, "Page size; absent or 0 means 500, larger values are lowered to 500."),
            param("filter", At::Query, false, "URL-encoded JSON {\"Field\": \"UserState\", \"Value\": \"Inactive\"|\"Active\", \"Operator\": \"equals\"}: the deleted users, restorable for 30 days."),
            param("seekOperation", At::Query, false, "Next, Previous, First or Last; Next and Previous need MS-ContinuationToken."),
            param("sortField", At::Query, false, "DisplayName (the only order)."),
            param("sortDirection", At::Query, false, "Ascending (the only direction)."),
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
];
