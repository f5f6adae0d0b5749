//! One record of a stream event in JSON, read field by field: its identity, its change (keys
//! and images, each decoded as it is read by the batch's target) and a Kinesis record's
//! envelope; what went wrong is kept per record.

use super::*;

/// `userIdentity`.
struct Identity;

impl<'de> Visitor<'de> for Identity {
    type Value = Lenient<Option<UserIdentity>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a user identity")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut identity = UserIdentity::default();
        let mut problem = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = match key.0.as_ref() {
                // Lambda's spelling, and the Streams API's
                "type" | "Type" => &mut identity.identity_type,
                "principalId" | "PrincipalId" => &mut identity.principal_id,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match map.next_value_seed(Str)? {
                Ok(value) => *slot = value.unwrap_or_default(),
                Err(e) => {
                    problem.get_or_insert_with(|| {
                        Bad::new(format!("`userIdentity.{}`: {}", key.0, e.reason))
                    });
                }
            }
        }
        Ok(match problem {
            Some(p) => Err(p),
            None => Ok(Some(identity)),
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Ok(None))
    }
    reject_others!("a user identity"; visit_map, visit_unit);
}

/// The problems of a record, in the order found; the first is reported.
#[derive(Default)]
struct Problems(Option<RecordError>);

impl Problems {
    fn field(&mut self, field: &str, reason: &str) {
        if self.0.is_none() {
            self.0 = Some(RecordError::Malformed(format!("`{field}`: {reason}")));
        }
    }
    fn image(&mut self, image: Image, bad: Bad) {
        if self.0.is_none() {
            let Bad { path, reason } = bad;
            self.0 = Some(RecordError::InvalidAttribute {
                image,
                path: path.trim_start_matches('.').to_owned(),
                reason,
            });
        }
    }
}

/// The fields of a Kinesis record that matter here.
#[derive(Default)]
struct KinesisFields {
    data: Option<String>,
    sequence_number: Option<String>,
    /// A field of the wrong type (the sequence number, when read, still names the record).
    problem: Option<String>,
}

/// A record as read: its metadata, its images, and what was wrong with it.
struct Parsed<I> {
    meta: Meta,
    /// The table named in the event source ARN, when the ARN itself is not kept.
    arn_table: Option<String>,
    images: I,
    problems: Problems,
    has_change: bool,
    kinesis: Option<KinesisFields>,
    time: Option<f64>,
    precision_micros: Option<bool>,
}

/// The record from what was read: a Kinesis record's data read in turn, the creation time in
/// its unit, the first problem as the record's error. `kinesis` is the Kinesis sequence number
/// of a change document read from a Kinesis record.
fn complete<T: Target>(parsed: Parsed<T::Images>, kinesis: Option<&str>) -> T::Out {
    if let Some(fields) = parsed.kinesis {
        return kinesis_record::<T>(fields);
    }
    let Parsed {
        mut meta,
        arn_table,
        images,
        problems,
        has_change,
        time,
        precision_micros,
        ..
    } = parsed;
    if let Some(sequence_number) = kinesis {
        meta.sequence_number = Some(sequence_number.to_owned());
    }
    if meta.table_name.is_none() {
        meta.table_name = arn_table;
    }
    meta.approximate_creation_time =
        time.and_then(|t| creation_time(t, kinesis.is_some(), precision_micros));
    if let Some(problem) = problems.0 {
        return T::failed(meta.error(problem));
    }
    if !has_change {
        return T::failed(meta.error(RecordError::Malformed(
            "it has no `dynamodb` section".to_owned(),
        )));
    }
    T::finish(meta, images)
}

/// A record that is not an object.
fn not_an_object<T: Target>(what: &str) -> T::Out {
    T::failed(Error::StreamRecord {
        sequence_number: None,
        problem: RecordError::Malformed(format!("a record is {what}, not an object")),
    })
}

/// One record of a `Records` array (DynamoDB Streams or Kinesis shape), or the change document
/// inside a Kinesis record (`kinesis`: its sequence number; times in milliseconds or
/// microseconds).
pub(super) struct RecordSeed<'a, T> {
    pub(super) kinesis: Option<&'a str>,
    pub(super) target: std::marker::PhantomData<T>,
}

impl<'de, T: Target> Visitor<'de> for RecordSeed<'_, T> {
    type Value = T::Out;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a stream record")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut parsed = Parsed {
            meta: Meta::default(),
            arn_table: None,
            images: T::Images::default(),
            problems: Problems::default(),
            has_change: false,
            kinesis: None,
            time: None,
            precision_micros: None,
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let field = key.0;
            let text = |value: Lenient<Option<Cow<'de, str>>>, problems: &mut Problems| match value
            {
                Ok(v) => v,
                Err(e) => {
                    problems.field(&field, &e.reason);
                    None
                }
            };
            match field.as_ref() {
                "eventName" => {
                    let name = text(map.next_value_seed(Text)?, &mut parsed.problems);
                    parsed.meta.event_name = EventName::parse(name.as_deref().unwrap_or_default());
                }
                "eventID" => {
                    parsed.meta.event_id =
                        text(map.next_value_seed(Text)?, &mut parsed.problems).map(Cow::into_owned);
                }
                "eventSourceARN" => {
                    let arn = text(map.next_value_seed(Text)?, &mut parsed.problems);
                    if T::KEEP_ARN {
                        parsed.meta.event_source_arn = arn.map(Cow::into_owned);
                    } else {
                        parsed.arn_table =
                            arn.as_deref().and_then(table_from_arn).map(str::to_owned);
                    }
                }
                "tableName" => {
                    parsed.meta.table_name =
                        text(map.next_value_seed(Text)?, &mut parsed.problems).map(Cow::into_owned);
                }
                "userIdentity" => match map.next_value_seed(Identity)? {
                    Ok(identity) => parsed.meta.user_identity = identity,
                    Err(e) => parsed.problems.field("userIdentity", &e.reason),
                },
                "dynamodb" => {
                    parsed.has_change = true;
                    if let Err(e) = map.next_value_seed(ChangeSeed::<T> {
                        parsed: &mut parsed,
                    })? {
                        parsed.problems.field("dynamodb", &e.reason);
                    }
                }
                "kinesis" if self.kinesis.is_none() => match map.next_value_seed(KinesisSeed)? {
                    Ok(fields) => parsed.kinesis = Some(fields),
                    Err(e) => parsed.problems.field("kinesis", &e.reason),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(complete::<T>(parsed, self.kinesis))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
        found_seq(seq)?;
        Ok(not_an_object::<T>("an array"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a string"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a number"))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("a boolean"))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(not_an_object::<T>("null"))
    }
}

/// A Kinesis record of a Lambda event: its data decoded and read as a change document.
fn kinesis_record<T: Target>(fields: KinesisFields) -> T::Out {
    let Some(sequence_number) = fields.sequence_number else {
        return T::failed(Error::StreamRecord {
            sequence_number: None,
            problem: RecordError::Malformed("the Kinesis record has no sequence number".to_owned()),
        });
    };
    let malformed = |what: String| {
        T::failed(Error::StreamRecord {
            sequence_number: Some(sequence_number.clone()),
            problem: RecordError::Malformed(what),
        })
    };
    if let Some(problem) = fields.problem {
        return malformed(problem);
    }
    let Some(data) = fields.data else {
        return malformed("the Kinesis record has no data".to_owned());
    };
    match BASE64.decode(data.as_bytes()) {
        Ok(bytes) => kinesis_data::<T>(&bytes, &sequence_number),
        Err(e) => malformed(format!("the Kinesis record's data is not base64: {e}")),
    }
}

/// The creation time: seconds in DynamoDB Streams records; milliseconds, or microseconds when
/// the table is set to that precision, in Kinesis payloads. A Kinesis payload that does not say
/// which is read by magnitude: microseconds since 1970 pass 10^14 in 1973, milliseconds not
/// until the year 5138.
fn creation_time(value: f64, kinesis: bool, precision_micros: Option<bool>) -> Option<SystemTime> {
    // beyond 2^53 an f64 holds no exact integer, and no real time is that far out
    if !value.is_finite() || !(0.0..9.0e15).contains(&value) {
        return None;
    }
    let per_second: u64 = if !kinesis {
        1
    } else if precision_micros.unwrap_or(value >= 1e14) {
        1_000_000
    } else {
        1_000
    };
    // whole units as integers, so that milliseconds stay exact; the fraction to nanoseconds
    let whole = value.trunc() as u64;
    let fraction = value - value.trunc();
    let nanos_per_unit = 1_000_000_000 / per_second;
    let nanos =
        (whole % per_second) * nanos_per_unit + (fraction * nanos_per_unit as f64).round() as u64;
    let duration = Duration::from_secs(whole / per_second) + Duration::from_nanos(nanos);
    SystemTime::UNIX_EPOCH.checked_add(duration)
}

/// A view type's name, without allocating the four DynamoDB has.
fn view_name(name: Cow<'_, str>) -> Cow<'static, str> {
    match name.as_ref() {
        "NEW_AND_OLD_IMAGES" => Cow::Borrowed("NEW_AND_OLD_IMAGES"),
        "NEW_IMAGE" => Cow::Borrowed("NEW_IMAGE"),
        "OLD_IMAGE" => Cow::Borrowed("OLD_IMAGE"),
        "KEYS_ONLY" => Cow::Borrowed("KEYS_ONLY"),
        other => Cow::Owned(other.to_owned()),
    }
}

/// The `dynamodb` section of a record: read into the record being parsed.
struct ChangeSeed<'a, T: Target> {
    parsed: &'a mut Parsed<T::Images>,
}

/// One image of the `dynamodb` section, read by the target.
struct ImageSeed<'a, T: Target> {
    images: &'a mut T::Images,
    which: Image,
}

impl<'de, T: Target> DeserializeSeed<'de> for ImageSeed<'_, T> {
    type Value = Option<Box<Bad>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        T::image(self.images, self.which, d)
    }
}

impl<'de, T: Target> Visitor<'de> for ChangeSeed<'_, T> {
    type Value = Lenient<()>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `dynamodb` section of a stream record")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let parsed = self.parsed;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let which = match key.0.as_ref() {
                "Keys" => Some(Image::Keys),
                "NewImage" => Some(Image::NewImage),
                "OldImage" => Some(Image::OldImage),
                _ => None,
            };
            if let Some(which) = which {
                let seed = ImageSeed::<T> {
                    images: &mut parsed.images,
                    which,
                };
                if let Some(bad) = map.next_value_seed(seed)? {
                    parsed.problems.image(which, *bad);
                }
                continue;
            }
            let problem = |e: Box<Bad>, problems: &mut Problems| {
                problems.field(&format!("dynamodb.{}", key.0), &e.reason);
            };
            match key.0.as_ref() {
                "SequenceNumber" => match map.next_value_seed(Str)? {
                    Ok(v) => parsed.meta.sequence_number = v,
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "StreamViewType" => match map.next_value_seed(Text)? {
                    Ok(v) => parsed.meta.view_type = v.map(view_name),
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "SizeBytes" => match map.next_value_seed(Number)? {
                    Ok(v) => parsed.meta.size_bytes = v.filter(|n| *n >= 0.0).map(|n| n as u64),
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "ApproximateCreationDateTime" => match map.next_value_seed(Number)? {
                    Ok(v) => parsed.time = v,
                    Err(e) => problem(e, &mut parsed.problems),
                },
                "ApproximateCreationDateTimePrecision" => match map.next_value_seed(Str)? {
                    Ok(v) => {
                        parsed.precision_micros = v.map(|p| p.eq_ignore_ascii_case("MICROSECOND"));
                    }
                    Err(e) => problem(e, &mut parsed.problems),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Ok(()))
    }
    reject_others!("the `dynamodb` section of a stream record"; visit_map);
}

/// The `kinesis` section of a Lambda Kinesis record.
struct KinesisSeed;

impl<'de> Visitor<'de> for KinesisSeed {
    type Value = Lenient<KinesisFields>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `kinesis` section of a Kinesis record")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut fields = KinesisFields::default();
        let mut problem = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let slot = match key.0.as_ref() {
                "data" => &mut fields.data,
                "sequenceNumber" => &mut fields.sequence_number,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            match map.next_value_seed(Str)? {
                Ok(v) => *slot = v,
                Err(e) => {
                    problem.get_or_insert_with(|| {
                        Bad::new(format!("`kinesis.{}`: {}", key.0, e.reason))
                    });
                }
            }
        }
        fields.problem = problem.map(|p| p.reason);
        Ok(Ok(fields))
    }
    reject_others!("the `kinesis` section of a Kinesis record"; visit_map);
}

// Each of these reads any JSON value: the seed is its own visitor.
seed_is_visitor!(
    impl[] Identity,
    impl[T: Target] RecordSeed<'_, T>,
    impl[T: Target] ChangeSeed<'_, T>,
    impl[] KinesisSeed,
);
