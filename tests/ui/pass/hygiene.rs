//! The derives' output leans on nothing in scope: the models below are declared where the
//! prelude is gone and its names mean other things, in a crate that denies the lints a careful
//! library turns on. Every generated public item must carry docs.

#![deny(warnings, missing_docs, unreachable_pub, unused_qualifications)]
#![deny(missing_debug_implementations, unused_results, trivial_casts)]

/// Models declared without the prelude, next to types named like its items.
pub mod shadowed {
    #![no_implicit_prelude]

    /// Shadows `core::result::Result`.
    #[derive(Debug)]
    pub struct Result;
    /// Shadows `core::option::Option`.
    #[derive(Debug)]
    pub struct Option;
    /// Shadows `Option::Some`.
    #[derive(Debug)]
    pub struct Some;
    /// Shadows `Option::None`.
    #[derive(Debug)]
    pub struct None;
    /// Shadows `Result::Ok`.
    #[derive(Debug)]
    pub struct Ok;
    /// Shadows `Result::Err`.
    #[derive(Debug)]
    pub struct Err;
    /// Shadows `alloc::vec::Vec`.
    #[derive(Debug)]
    pub struct Vec;
    /// Shadows `alloc::string::String`.
    #[derive(Debug)]
    pub struct String;
    /// Shadows `alloc::boxed::Box`.
    #[derive(Debug)]
    pub struct Box;
    /// Shadows `core::default::Default`.
    #[derive(Debug)]
    pub struct Default;
    /// Shadows `core::clone::Clone`.
    #[derive(Debug)]
    pub struct Clone;
    /// Shadows `std::collections::HashMap`.
    #[derive(Debug)]
    pub struct HashMap;

    /// Where a post is.
    #[derive(
        ::core::fmt::Debug,
        ::core::clone::Clone,
        ::core::marker::Copy,
        ::core::cmp::PartialEq,
        ::core::cmp::Eq,
        ::core::cmp::PartialOrd,
        ::core::cmp::Ord,
        ::core::hash::Hash,
        ::dynamo_types::DynamoValue
    )]
    #[dynamo(rename_all = "snake_case")]
    pub enum State {
        /// Not published.
        Draft,
        /// Published.
        #[dynamo(rename = "live")]
        Published,
    }

    /// Every attribute at once.
    #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::dynamo_types::DynamoModel)]
    #[dynamo(table = "blog_posts", ttl = "expires_at", stream = "new_and_old_images")]
    #[dynamo(lsi(name = "by_likes", range = "like_count", projection = "keys_only"))]
    #[dynamo(lsi(name = "by_state", range = "state", projection(include(body))))]
    #[dynamo(gsi(name = "by-author.v2", hash = "author_id", range = "published_at"))]
    #[dynamo(gsi(name = "by_slug", hash = "slug"))]
    pub struct Post {
        /// The blog.
        #[dynamo(hash)]
        pub blog_id: ::std::string::String,
        /// The post.
        #[dynamo(range, rename = "pid")]
        pub post_id: ::std::string::String,
        /// The author.
        pub author_id: ::std::string::String,
        /// The slug.
        pub slug: ::std::string::String,
        /// Where the post is.
        pub state: State,
        /// When.
        pub published_at: i64,
        /// Likes.
        #[dynamo(rename = "likes")]
        pub like_count: u64,
        /// Tags.
        #[dynamo(default)]
        pub tags: ::std::collections::BTreeSet<::std::string::String>,
        /// The body.
        pub body: ::core::option::Option<::std::string::String>,
        /// Attachments.
        pub attachments: ::std::vec::Vec<::std::vec::Vec<u8>>,
        /// Boxed.
        pub boxed: ::std::boxed::Box<i32>,
        /// A map.
        pub extra: ::std::collections::HashMap<::std::string::String, State>,
        /// Expiry.
        pub expires_at: ::core::option::Option<i64>,
        /// Optimistic locking.
        #[dynamo(version)]
        pub version: u64,
        /// Not stored.
        #[dynamo(skip)]
        pub cached: ::core::option::Option<::std::string::String>,
        /// Stored through serde.
        #[dynamo(serde)]
        pub meta: super::Meta,
    }

    /// A projection of [`Post`], of renamed, `default` and `serde` fields.
    #[derive(::core::fmt::Debug, ::dynamo_types::DynamoProjection)]
    #[dynamo(model = Post)]
    pub struct PostSummary {
        /// The post.
        pub post_id: ::std::string::String,
        /// Likes.
        pub like_count: u64,
        /// Tags.
        pub tags: ::std::collections::BTreeSet<::std::string::String>,
        /// Stored through serde.
        pub meta: super::Meta,
    }

    /// A generic model with only a partition key, a TTL, a version and a keys-only stream.
    #[derive(::core::fmt::Debug, ::dynamo_types::DynamoModel)]
    #[dynamo(table = "envelopes", ttl = "expires", stream = "keys_only")]
    pub struct Envelope<T> {
        /// The id.
        #[dynamo(hash)]
        pub id: u64,
        /// The payload.
        pub payload: T,
        /// Expiry.
        pub expires: ::core::option::Option<u32>,
        /// Optimistic locking.
        #[dynamo(version)]
        pub revision: u32,
        /// Not stored.
        #[dynamo(skip)]
        pub scratch: ::core::option::Option<T>,
    }
}

/// Models in a module with the prelude, where qualified paths could be "unused".
pub mod plain {
    use dynamo_types::DynamoModel;

    /// A crate-private model: its generated items must not trip `unreachable_pub`.
    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "users")]
    #[dynamo(gsi(name = "by_email", hash = "email"))]
    pub(crate) struct User {
        #[dynamo(hash)]
        pub(crate) id: String,
        pub(crate) email: String,
        pub(crate) nickname: Option<String>,
    }

    /// A private model with a stream of new images; not `Clone`, so neither is its event.
    #[derive(Debug, DynamoModel)]
    #[dynamo(table = "sessions", stream = "new_image")]
    struct Session {
        #[dynamo(hash)]
        id: String,
    }

    /// A crate-private model with a stream of old images.
    #[derive(Debug, Clone, PartialEq, DynamoModel)]
    #[dynamo(table = "audit", stream = "old_image")]
    pub(crate) struct Audit {
        #[dynamo(hash)]
        pub(crate) id: u64,
        #[dynamo(range)]
        pub(crate) at: i64,
    }

    /// Uses the private items, so that nothing is dead code.
    pub fn touch() -> usize {
        let session = Session { id: String::new() };
        let key: SessionKey = session.key();
        let _: fn(&SessionTable) -> _ = SessionTable::primary_key;
        let _: fn(&UserTable) -> _ = UserTable::by_email;
        let event = SessionEvent::Insert { new: session };
        let audit = AuditEvent::Modify {
            old: Audit { id: 1, at: 2 },
        };
        let _ = ::std::format!("{event:?}");
        assert_eq!(audit.clone(), audit);
        key.id.len() + User::SCHEMA.indexes.len() + audit.key().at as usize + event.key().id.len()
    }
}

/// Stored through serde.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// Where it came from.
    pub source: String,
}

fn main() {
    use dynamo_types::DynamoModel;
    let _ = plain::touch();
    let _ = shadowed::Post::SCHEMA;
    let _ = shadowed::Envelope::<String>::SCHEMA;
    let _ = shadowed::PostEvent::handler();
    let _: shadowed::EnvelopeEvent<u8> = shadowed::EnvelopeEvent::Remove {
        key: shadowed::EnvelopeKey { id: 1 },
        expired: true,
    };
}
