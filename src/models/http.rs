//! The HTTP layer under the model clients: one POST with retries (exponential
//! backoff with jitter, `Retry-After` honoured) on 429, 5xx and connection errors,
//! a request timeout, error bodies turned into short details, and SSE reading.
//!
//! Never put the API key into an error, a log line or a panic message: headers are
//! built by the callers and this file only ever reports status codes and bodies.

use std::sync::Once;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};

use super::{HttpConfig, ModelError};

pub(crate) struct Http {
    client: reqwest::Client,
    rt: tokio::runtime::Runtime,
    pub(crate) cfg: HttpConfig,
    pub(crate) provider: String,
    pub(crate) model: String,
    pub(crate) key_env: Option<String>,
}

static TLS: Once = Once::new();

/// A failed attempt, and whether another one may succeed.
enum Failure {
    Retry { err: ModelError, after: Option<Duration> },
    Fatal(ModelError),
}

impl Http {
    pub(crate) fn new(provider: &str, model: &str, key_env: Option<String>, cfg: HttpConfig) -> Result<Http, ModelError> {
        TLS.call_once(|| {
            // Another part of the binary (MCP) may have installed it first: fine.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let client = reqwest::Client::builder()
            .connect_timeout(cfg.connect_timeout)
            .build()
            .map_err(|e| ModelError::Config(format!("{provider}: cannot build the HTTP client: {e}")))?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ModelError::Config(format!("cannot start the async runtime: {e}")))?;
        Ok(Http { client, rt, cfg, provider: provider.into(), model: model.into(), key_env })
    }

    /// POSTs `body` and returns the parsed JSON answer.
    pub(crate) fn post_json(
        &self,
        url: &str,
        headers: &HeaderMap,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, ModelError> {
        let text = self.with_retries(url, |resp| async move {
            resp.text().await.map_err(|e| self.transport_error(url, e, 0))
        }, headers, body)?;
        serde_json::from_str(&text).map_err(|e| ModelError::Protocol {
            provider: self.provider.clone(),
            detail: format!("the answer is not JSON ({e}): {}", clip(&text, 200)),
        })
    }

    /// POSTs `body` and feeds each server-sent event `(event, data)` to `on_event`
    /// until the stream ends or `on_event` returns `Ok(true)` (done).
    pub(crate) fn post_sse(
        &self,
        url: &str,
        headers: &HeaderMap,
        body: &serde_json::Value,
        on_event: &mut dyn FnMut(Option<&str>, &str) -> Result<bool, ModelError>,
    ) -> Result<(), ModelError> {
        let resp = self.with_retries(url, |resp| async move { Ok(resp) }, headers, body)?;
        self.block_on_cancellable(async {
            let mut events = sse_stream::SseStream::from_bytes_stream(resp.bytes_stream());
            while let Some(ev) = events.next().await {
                let ev = ev.map_err(|e| ModelError::Connection {
                    provider: self.provider.clone(),
                    url: url.to_owned(),
                    detail: format!("the event stream broke: {e}"),
                    attempts: 1,
                })?;
                let Some(data) = ev.data.as_deref() else { continue };
                if on_event(ev.event.as_deref(), data)? {
                    break;
                }
            }
            Ok(())
        })?
    }

    /// Runs `fut` to its end, or until the cancel flag is set (Ctrl-C): then the
    /// request is dropped (its connection closed) and `Interrupted` returned.
    fn block_on_cancellable<T>(&self, fut: impl std::future::Future<Output = T>) -> Result<T, ModelError> {
        let Some(flag) = self.cfg.cancel.clone() else { return Ok(self.rt.block_on(fut)) };
        if flag.load(Ordering::SeqCst) {
            return Err(ModelError::Interrupted);
        }
        self.rt.block_on(async move {
            let watch = async {
                while !flag.load(Ordering::SeqCst) {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            };
            tokio::select! {
                v = fut => Ok(v),
                _ = watch => Err(ModelError::Interrupted),
            }
        })
    }

    fn with_retries<'a, T, F, Fut>(
        &'a self,
        url: &'a str,
        read: F,
        headers: &HeaderMap,
        body: &serde_json::Value,
    ) -> Result<T, ModelError>
    where
        F: Fn(reqwest::Response) -> Fut,
        Fut: std::future::Future<Output = Result<T, ModelError>> + 'a,
    {
        let payload = serde_json::to_vec(body).map_err(|e| ModelError::Config(format!("cannot encode the request: {e}")))?;
        let mut headers = headers.clone();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let outcome = self.block_on_cancellable(async {
                let sent = self
                    .client
                    .post(url)
                    .headers(headers.clone())
                    .body(payload.clone())
                    .timeout(self.cfg.timeout)
                    .send()
                    .await;
                let resp = match sent {
                    Ok(r) => r,
                    Err(e) => return Err(Failure::Retry { err: self.transport_error(url, e, attempt), after: None }),
                };
                let status = resp.status();
                if status.is_success() {
                    return read(resp).await.map_err(|err| Failure::Retry { err, after: None });
                }
                let after = resp.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after);
                let text = resp.text().await.unwrap_or_default();
                Err(self.status_failure(url, status.as_u16(), &text, after, attempt))
            })?;
            match outcome {
                Ok(v) => return Ok(v),
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Retry { err, after }) => {
                    if attempt > self.cfg.max_retries {
                        return Err(err);
                    }
                    let delay = after.map(|a| a.min(self.cfg.max_backoff)).unwrap_or_else(|| backoff(&self.cfg, attempt));
                    // Made inside the runtime: a `Sleep` needs its timer at creation.
                    self.block_on_cancellable(async move { tokio::time::sleep(delay).await })?;
                }
            }
        }
    }

    fn transport_error(&self, url: &str, e: reqwest::Error, attempts: u32) -> ModelError {
        if e.is_timeout() {
            ModelError::Timeout {
                provider: self.provider.clone(),
                url: url.to_owned(),
                seconds: self.cfg.timeout.as_secs_f64(),
                attempts,
            }
        } else {
            // Without the URL: reqwest's message repeats it, once is enough.
            let e = e.without_url();
            let mut detail = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                detail.push_str(": ");
                detail.push_str(&s.to_string());
                src = s.source();
            }
            ModelError::Connection { provider: self.provider.clone(), url: url.to_owned(), detail, attempts }
        }
    }

    fn status_failure(&self, url: &str, status: u16, body: &str, after: Option<Duration>, attempts: u32) -> Failure {
        let detail = error_detail(body);
        let (provider, model) = (self.provider.clone(), self.model.clone());
        match status {
            401 | 403 => Failure::Fatal(ModelError::Auth { provider, model, status, detail, key_env: self.key_env.clone() }),
            404 => Failure::Fatal(ModelError::NotFound { provider, model, url: url.to_owned(), detail }),
            408 | 409 | 429 | 500..=599 => {
                Failure::Retry { err: ModelError::Http { provider, model, status, detail, attempts }, after }
            }
            _ => Failure::Fatal(ModelError::Http { provider, model, status, detail, attempts }),
        }
    }
}

/// `Retry-After`: delay-seconds, or an HTTP date (RFC 9110's IMF-fixdate, as in
/// `Wed, 21 Oct 2015 07:28:00 GMT`) turned into the time left until then.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = parse_http_date(v)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// Seconds since the Unix epoch of an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_weekday, day, month, year, time, zone] = parts.as_slice() else { return None };
    if *zone != "GMT" && *zone != "UTC" {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? as i64 + 1;
    let day: i64 = day.parse().ok().filter(|d| (1..=31).contains(d))?;
    let year: i64 = year.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    let hms: Vec<i64> = time.split(':').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    let [h, m, sec] = hms.as_slice() else { return None };
    if !(0..24).contains(h) || !(0..60).contains(m) || !(0..=60).contains(sec) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + m * 60 + sec).ok()
}

/// `base * 2^(attempt-1)`, capped, times a jitter in [0.5, 1.5) so that many
/// clients rate-limited together do not retry together.
fn backoff(cfg: &HttpConfig, attempt: u32) -> Duration {
    let exp = cfg.base_backoff.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(cfg.max_backoff);
    capped.mul_f64(0.5 + jitter())
}

fn jitter() -> f64 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let mut x = u64::from(nanos) ^ 0x9E37_79B9_7F4A_7C15;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    (x % 10_000) as f64 / 10_000.0
}

/// The `message` of an API error body (`{"error": {"message": ...}}` and kin), else the body clipped.
fn error_detail(body: &str) -> String {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        let msg = v
            .pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error").filter(|e| e.is_string()))
            .and_then(|m| m.as_str());
        if let Some(m) = msg {
            return clip(m, 300);
        }
    }
    clip(body.trim(), 300)
}

pub(crate) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n).collect();
    out.push_str("...");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let cfg = HttpConfig { base_backoff: Duration::from_secs(1), max_backoff: Duration::from_secs(10), ..HttpConfig::default() };
        let d1 = backoff(&cfg, 1);
        assert!(d1 >= Duration::from_millis(500) && d1 < Duration::from_millis(1500));
        let d3 = backoff(&cfg, 3);
        assert!(d3 >= Duration::from_secs(2) && d3 < Duration::from_secs(6));
        assert!(backoff(&cfg, 30) < Duration::from_secs(15));
    }

    #[test]
    fn retry_after_and_error_bodies() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        // A date in the past means: retry now.
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT"), Some(1_445_412_480));
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(error_detail(r#"{"error":{"message":"bad model"}}"#), "bad model");
        assert_eq!(error_detail("plain"), "plain");
    }
}
