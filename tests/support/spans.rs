//! A `tracing` layer that captures this crate's spans (target `dynamo_types`) with every field
//! recorded on them, for the tests of spans (included by path by the test crates).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// A span as a subscriber sees it: its name and every field recorded on it, as text.
#[derive(Debug, Clone)]
pub struct Captured {
    pub name: &'static str,
    pub fields: BTreeMap<String, String>,
}

impl Captured {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }
}

#[derive(Clone, Default)]
pub struct Capture {
    spans: Arc<Mutex<Vec<(Id, Captured)>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

thread_local! {
    /// The capture of this thread's spans, while a test holds one.
    static ACTIVE: RefCell<Option<Capture>> = const { RefCell::new(None) };
}

/// The one global subscriber's layer: hands each span of this crate to the capture active on
/// the thread that makes it. One global subscriber (rather than one per test thread with
/// `set_default`) keeps `tracing`'s per-callsite interest cache stable while tests run in
/// parallel: with scoped subscribers coming and going on other threads, a callsite could be
/// cached as uninteresting and its span missed.
struct ToActive;

impl<S: tracing::Subscriber> Layer<S> for ToActive {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        if attrs.metadata().target() != dynamo_types::TRACING_TARGET {
            return;
        }
        ACTIVE.with(|active| {
            if let Some(capture) = active.borrow().as_ref() {
                let mut fields = BTreeMap::new();
                attrs.record(&mut Fields(&mut fields));
                let name = attrs.metadata().name();
                capture
                    .spans
                    .lock()
                    .unwrap()
                    .push((id.clone(), Captured { name, fields }));
            }
        });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        ACTIVE.with(|active| {
            if let Some(capture) = active.borrow().as_ref() {
                let mut spans = capture.spans.lock().unwrap();
                if let Some((_, span)) = spans.iter_mut().rev().find(|(i, _)| i == id) {
                    values.record(&mut Fields(&mut span.fields));
                }
            }
        });
    }
}

impl Capture {
    /// Spans captured so far, and forgets them.
    pub fn take(&self) -> Vec<Captured> {
        std::mem::take(&mut *self.spans.lock().unwrap())
            .into_iter()
            .map(|(_, span)| span)
            .collect()
    }
}

/// Stops the capture of this thread's spans when dropped.
pub struct CaptureGuard(());

impl Drop for CaptureGuard {
    fn drop(&mut self) {
        ACTIVE.with(|active| active.borrow_mut().take());
    }
}

/// Captures the spans this thread makes until the guard is dropped (`#[tokio::test]` runs the
/// whole test on its thread).
pub fn capture() -> (Capture, CaptureGuard) {
    static GLOBAL: Once = Once::new();
    GLOBAL.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(ToActive))
            .expect("no other global subscriber in the test binary");
    });
    let capture = Capture::default();
    ACTIVE.with(|active| *active.borrow_mut() = Some(capture.clone()));
    (capture, CaptureGuard(()))
}
