//! How batch operations retry unprocessed keys and items: exponential backoff with full jitter,
//! a bounded number of attempts, and a bound on requests in flight.

use std::time::Duration;

/// Retry and concurrency settings of a batch operation.
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
    /// 10 attempts, 25 ms doubling up to 2 s with full jitter, 8 requests in flight: about 8 s of
    /// waiting in the worst case before the unprocessed remainder is returned as an error.
    /// These are the only retries of a batch call: the SDK's own retry is off for them.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(25),
            max_delay: Duration::from_secs(2),
            concurrency: 8,
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

/// Notes whether an attempt of one operation went unanswered (the connection failed, the
/// request timed out, or the response could not be read): the SDK then retries, and what the
/// retry answers may be about the lost attempt's own effect. A conditional write carries one,
/// so that a failed condition after a lost answer is reported as unconfirmed, not as a
/// conflict.
#[derive(Debug, Clone, Default)]
pub(crate) struct LostAnswers(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl LostAnswers {
    /// Whether an attempt so far went unanswered.
    pub(crate) fn any(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl aws_sdk_dynamodb::config::Intercept for LostAnswers {
    fn name(&self) -> &'static str {
        "dynamo_types::LostAnswers"
    }

    fn read_after_attempt(
        &self,
        context: &aws_sdk_dynamodb::config::interceptors::FinalizerInterceptorContextRef<'_>,
        _: &aws_sdk_dynamodb::config::RuntimeComponents,
        _: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        if let Some(Err(error)) = context.output_or_error() {
            let unanswered = error.is_timeout_error()
                || error.is_response_error()
                || error.as_connector_error().is_some_and(|c| !c.is_user());
            if unanswered {
                self.0.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        Ok(())
    }
}
