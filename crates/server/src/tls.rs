//! HTTPS: a certificate and key from PEM files, served with rustls (ring) offering HTTP/2 and
//! HTTP/1.1 by ALPN. The pair can be read again while serving (`partnerd serve` does so on
//! SIGHUP), so a renewed certificate needs no restart; connections already open keep theirs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tokio_rustls::rustls::crypto::ring;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// A TLS setup whose certificate can be replaced while serving.
pub struct Tls {
    acceptor: TlsAcceptor,
    current: Arc<Current>,
    cert_path: PathBuf,
    key_path: PathBuf,
}

impl Tls {
    /// Reads the PEM certificate chain and private key (PKCS#8, PKCS#1 or SEC1).
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<Tls, String> {
        let current = Arc::new(Current(RwLock::new(Arc::new(certified_key(cert_path, key_path)?))));
        let mut config = ServerConfig::builder_with_provider(Arc::new(ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_cert_resolver(current.clone());
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Tls {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            current,
            cert_path: cert_path.to_owned(),
            key_path: key_path.to_owned(),
        })
    }

    /// Reads the files again; new connections get the new certificate. On error the old one
    /// stays in use.
    pub fn reload(&self) -> Result<(), String> {
        let key = certified_key(&self.cert_path, &self.key_path)?;
        *self.current.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(key);
        Ok(())
    }

    pub(crate) fn acceptor(&self) -> &TlsAcceptor {
        &self.acceptor
    }
}

/// The certificate handed to each new connection.
#[derive(Debug)]
struct Current(RwLock<Arc<CertifiedKey>>);

impl ResolvesServerCert for Current {
    fn resolve(&self, _: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.read().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

fn certified_key(cert_path: &Path, key_path: &Path) -> Result<CertifiedKey, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_path)
        .and_then(|certs| certs.collect())
        .map_err(|e| format!("reading the certificate {}: {e}", cert_path.display()))?;
    if chain.is_empty() {
        return Err(format!("{} holds no PEM certificate", cert_path.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|e| format!("reading the private key {}: {e}", key_path.display()))?;
    let signing =
        ring::sign::any_supported_type(&key).map_err(|e| format!("the private key {}: {e}", key_path.display()))?;
    Ok(CertifiedKey::new(chain, signing))
}
