//! The checkpoint that makes an export resumable: kept beside the output file, rewritten
//! after each page once that page is safely on disk, removed when the export completes.
//!
//! It records how many bytes of the output are complete and the `links.next` (with its
//! continuation token) that follows them. Resuming cuts the file back to that length,
//! dropping whatever a crash left half-written, and fetches from that link: every customer
//! ends up in the file exactly once.

use std::path::{Path, PathBuf};

use anyhow::Context;
use partnerd_model::Link;
use serde::{Deserialize, Serialize};

use super::filter::FilterArgs;

/// What an export asks for; a resume must ask for the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub base_url: String,
    pub format: String,
    pub size: u32,
    pub filter: FilterArgs,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Checkpoint {
    pub job: Job,
    /// Where the next page comes from; `None` before the first page.
    pub next: Option<Link>,
    /// Length of the complete part of the output file.
    pub bytes: u64,
    /// Customers in the complete part.
    pub count: u64,
}

impl Checkpoint {
    /// `customers.jsonl` keeps its checkpoint in `customers.jsonl.partnerd-export`.
    pub fn path_for(output: &Path) -> PathBuf {
        let mut name = output.as_os_str().to_owned();
        name.push(".partnerd-export");
        PathBuf::from(name)
    }

    pub fn load(path: &Path) -> anyhow::Result<Option<Checkpoint>> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map(Some).with_context(|| format!("reading {}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// Replaces the checkpoint atomically (write beside, then rename), so a crash leaves
    /// the old one or the new one, never half of one.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let write = || -> std::io::Result<()> {
            std::fs::write(&tmp, serde_json::to_vec(self).expect("checkpoints serialise"))?;
            std::fs::File::open(&tmp)?.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().with_context(|| format!("writing {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_beside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = Checkpoint::path_for(&dir.path().join("out.csv"));
        assert!(path.ends_with("out.csv.partnerd-export"));
        assert!(Checkpoint::load(&path).unwrap().is_none());
        let job = Job { base_url: "http://h".into(), format: "csv".into(), size: 5, filter: FilterArgs::default() };
        let cp = Checkpoint { job: job.clone(), next: Some(Link::get("/v1/customers?x")), bytes: 10, count: 2 };
        cp.save(&path).unwrap();
        let back = Checkpoint::load(&path).unwrap().unwrap();
        assert_eq!((back.job, back.next, back.bytes, back.count), (job, cp.next, 10, 2));
    }
}
