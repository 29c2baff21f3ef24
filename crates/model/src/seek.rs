//! `seekOperation` (spec §4.4).

/// How a list request moves relative to the page its continuation token describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeekOperation {
    Next,
    Previous,
    First,
    Last,
    PageIndex,
}

impl SeekOperation {
    /// Reads a name in any case (`Next`, `next`) or its integer (0-4).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "next" | "0" => Some(SeekOperation::Next),
            "previous" | "1" => Some(SeekOperation::Previous),
            "first" | "2" => Some(SeekOperation::First),
            "last" | "3" => Some(SeekOperation::Last),
            "pageindex" | "4" => Some(SeekOperation::PageIndex),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_integers() {
        assert_eq!(SeekOperation::parse("NEXT"), Some(SeekOperation::Next));
        assert_eq!(SeekOperation::parse("1"), Some(SeekOperation::Previous));
        assert_eq!(SeekOperation::parse("pageIndex"), Some(SeekOperation::PageIndex));
        assert_eq!(SeekOperation::parse("5"), None);
    }
}
