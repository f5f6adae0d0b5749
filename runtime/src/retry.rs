//! How batch operations retry unprocessed keys and items: exponential backoff with full jitter,
//! a bounded number of attempts, and a bound on requests in flight.

use std::time::Duration;

/// Retry and concurrency settings of a batch operation.
///
/// A batch call of n requests (100 keys or 25 items each) takes at least
/// `ceil(n / concurrency)` round trips. With 32 in flight (the default), 10,000 items through a
/// 20 ms round trip were read 7-9x and written 17-19x faster than by a sequential loop
/// (`benches/latency.rs`, results in `benches/RESULTS-latency.md`). For bigger batches or slower links, raise it on the call:
///
/// ```
/// # use dynamo_types_runtime::RetryPolicy;
/// let policy = RetryPolicy { concurrency: 64, ..RetryPolicy::default() };
/// // table.primary_key().batch_get(keys).retry_policy(policy)
/// // table.writer().retry_policy(policy).batch_put(&mut items)
/// ```
///
/// Each request in flight holds a connection and, for a read, up to 16 MB of answer; a
/// provisioned table throttles sooner (the unprocessed part is retried as below).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times one request (with what is left of it) is sent at most, the first included.
    pub max_attempts: u32,
    /// The backoff before the second attempt; it doubles for each further attempt.
    pub base_delay: Duration,
    /// The longest backoff between two attempts.
    pub max_delay: Duration,
    /// How many requests of one batch call run at once.
    pub concurrency: usize,
}

impl Default for RetryPolicy {
    /// 10 attempts, 25 ms doubling up to 2 s with full jitter, 32 requests in flight: about 8 s of
    /// waiting in the worst case before the unprocessed remainder is returned as an error.
    /// These are the only retries of a batch call: the SDK's own retry is off for them.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(25),
            max_delay: Duration::from_secs(2),
            concurrency: 32,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt number `attempt` (2 for the first retry): a random duration
    /// between zero and the exponential bound ("full jitter"), so that retries of concurrent
    /// requests spread out instead of arriving together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(2).min(20);
        let bound = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        // Drawn in microseconds, so that a sub-millisecond base delay still waits.
        let micros = u64::try_from(bound.as_micros()).unwrap_or(u64::MAX);
        Duration::from_micros(fastrand::u64(0..=micros))
    }
}

/// The configuration batch calls are sent with: the SDK's own retry switched off, so that the
/// batch engine's [`RetryPolicy`] is the only one (else each of its attempts would hide up to
/// three sends, and the documented waits would not hold).
pub(crate) fn single_attempt() -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::config::Builder::default()
        .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
}

/// Sleeps with the client's configured async sleep (the one the SDK uses), so that a batch
/// retry works on whatever runtime the client was built for; Tokio's timer only when the
/// client has none.
pub(crate) async fn sleep(client: &crate::client::Client, delay: Duration) {
    match client.sdk().config().sleep_impl() {
        Some(sleep) => aws_sdk_dynamodb::config::AsyncSleep::sleep(&sleep, delay).await,
        None => tokio::time::sleep(delay).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let policy = RetryPolicy::default();
        for attempt in 2..40 {
            let bound = policy
                .base_delay
                .saturating_mul(1 << (attempt - 2).min(20))
                .min(policy.max_delay);
            for _ in 0..20 {
                assert!(policy.backoff(attempt) <= bound);
            }
        }
        let tiny = RetryPolicy {
            base_delay: Duration::from_micros(400),
            ..RetryPolicy::default()
        };
        assert!((0..200).any(|_| tiny.backoff(2) > Duration::ZERO));
        let late: Vec<Duration> = (0..200).map(|_| policy.backoff(30)).collect();
        assert!(late.iter().any(|d| *d > Duration::from_millis(500)));
    }
}

/// What the attempts of one request came to, as the client's
/// [`CountAttempts`](crate::telemetry::CountAttempts) interceptor counted them inside
/// [`telemetry::send_counted`](crate::telemetry::send_counted): whether an attempt may have been applied
/// without the caller learning so. It was sent, and no answer came back, or the answer was a
/// server error (a 5xx: DynamoDB can answer 500 after the write was applied). The SDK then
/// retries, and what the retry answers may be about the earlier attempt's own effect, or say
/// nothing about it. Every single write (put, update, delete) reads it, so that a failure after
/// such an attempt (a false condition, throttling) is reported as
/// [`Error::Unconfirmed`](crate::Error::Unconfirmed), not as a conflict or a throttle.
///
/// Requests sent are counted before transmission, and answers once a response below 500 is
/// read: an attempt cut short by a timeout (its future dropped, with no hook run after it) is
/// sent and never answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Attempts {
    /// Attempts transmitted.
    pub(crate) sent: u32,
    /// Attempts that got an answer below 500 that could be read.
    pub(crate) answered: u32,
}

impl Attempts {
    /// Whether an attempt so far was sent and got no answer, or a server error.
    pub(crate) fn lost_any(self) -> bool {
        self.sent > self.answered
    }
}
