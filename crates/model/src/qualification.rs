//! Customer qualifications (`/v1/customers/{id}/qualifications`): what a partner may claim for a
//! customer (Education, Government Community Cloud, State Owned Entity) and the vetting that
//! Partner Center then does asynchronously (the control plane plays the reviewer).

use serde::{Deserialize, Serialize};

use crate::validate::{optional_text, Report, Violations};

/// The qualifications Partner Center knows, in its emitted spelling.
pub const KINDS: &[&str] = &["Education", "GovernmentCommunityCloud", "StateOwnedEntity", "Nonprofit", "None"];
/// Those a partner may add through the API (Nonprofit comes from Microsoft's own vetting).
pub const SETTABLE: &[&str] = &["Education", "GovernmentCommunityCloud", "StateOwnedEntity"];

pub const IN_REVIEW: &str = "InReview";
pub const APPROVED: &str = "Approved";
pub const DENIED: &str = "Denied";

/// One qualification of a customer, as `GET` lists it and `POST` answers it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CustomerQualification {
    pub qualification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vetting_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vetting_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vetting_create_date: Option<String>,
}

/// The body of `POST /v1/customers/{id}/qualifications`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QualificationRequest {
    #[serde(default)]
    pub qualification: Option<String>,
    #[serde(default)]
    pub education_segment: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub validation_code: Option<String>,
}

/// A checked request: which qualification, and the GCC validation code when it is GCC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requested {
    pub qualification: &'static str,
    pub validation_code: Option<String>,
}

impl QualificationRequest {
    /// Checks the request; `code` is the `code` query parameter, an alternative to
    /// `validationCode` (the docs pass it in the query, the SDK in the body).
    pub fn check(self, code: Option<String>) -> Result<Requested, Violations> {
        let mut report = Report::default();
        let kind = report.take("qualification", settable(self.qualification.as_deref()));
        if kind == Some("Education") {
            report.take(
                "educationSegment",
                match self.education_segment.as_deref().map(str::trim) {
                    None | Some("") => Ok(()),
                    Some(s) if ["K12", "HigherEducation"].iter().any(|k| k.eq_ignore_ascii_case(s)) => Ok(()),
                    Some(_) => Err("must be K12 or HigherEducation".into()),
                },
            );
        }
        report.take("website", optional_text(&self.website, 0, 256));
        let code = self.validation_code.or(code).map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        if kind == Some("GovernmentCommunityCloud") && code.is_none() {
            report.take::<()>(
                "validationCode",
                Err("is required for GovernmentCommunityCloud (one of the partner's GCC validation codes)".into()),
            );
        }
        report.finish()?;
        let qualification = kind.expect("checked");
        Ok(Requested { qualification, validation_code: code.filter(|_| qualification == "GovernmentCommunityCloud") })
    }
}

/// The canonical spelling of a qualification a partner may add (read in any case, and in the
/// snake_case the legacy route uses).
fn settable(name: Option<&str>) -> Result<&'static str, String> {
    let name = name.map(str::trim).filter(|n| !n.is_empty()).ok_or("is required")?;
    let folded = name.replace('_', "");
    SETTABLE.iter().copied().find(|k| k.eq_ignore_ascii_case(&folded)).ok_or_else(|| {
        format!("must be one of {} (Nonprofit and None cannot be added), not {name}", SETTABLE.join(", "))
    })
}

impl CustomerQualification {
    /// A new qualification as Partner Center records it: Education waits for review, GCC is
    /// approved by its validation code, State Owned Entity carries no vetting at all.
    pub fn new(kind: &'static str, created: String) -> CustomerQualification {
        let status = match kind {
            "Education" => Some(IN_REVIEW),
            "GovernmentCommunityCloud" => Some(APPROVED),
            _ => None,
        };
        CustomerQualification {
            qualification: kind.to_string(),
            vetting_status: status.map(str::to_string),
            vetting_reason: None,
            vetting_create_date: status.map(|_| created),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(v: serde_json::Value) -> QualificationRequest {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn settable_qualifications_are_read_in_any_spelling() {
        let r = request(json!({"qualification": "education", "educationSegment": "k12"})).check(None).unwrap();
        assert_eq!(r, Requested { qualification: "Education", validation_code: None });
        let r = request(json!({"qualification": "government_community_cloud"})).check(Some("123".into())).unwrap();
        assert_eq!(r.validation_code.as_deref(), Some("123"));
        let names = |v| request(v).check(None).unwrap_err().members().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(names(json!({"qualification": "Nonprofit"})), ["qualification"]);
        assert_eq!(names(json!({})), ["qualification"]);
        assert_eq!(names(json!({"qualification": "GovernmentCommunityCloud"})), ["validationCode"]);
        assert_eq!(
            names(json!({"qualification": "Education", "educationSegment": "Kindergarten"})),
            ["educationSegment"]
        );
    }

    #[test]
    fn vetting_starts_as_documented() {
        let e = serde_json::to_value(CustomerQualification::new("Education", "2024-01-01T00:00:00Z".into())).unwrap();
        assert_eq!(
            e,
            json!({"qualification": "Education", "vettingStatus": "InReview", "vettingCreateDate": "2024-01-01T00:00:00Z"})
        );
        let s = serde_json::to_value(CustomerQualification::new("StateOwnedEntity", "x".into())).unwrap();
        assert_eq!(s, json!({"qualification": "StateOwnedEntity"}));
    }
}
