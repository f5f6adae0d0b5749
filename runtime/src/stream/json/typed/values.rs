//! Attribute values read from JSON straight into a [`ValueDecoder`]: scalars, and maps, lists
//! and sets element by element, at the depth the item reader counts.

use super::*;

/// An attribute value handed to a [`ValueDecoder`], at a nesting depth (0 for an attribute of
/// an image), counted as the item reader counts it.
pub(super) struct Decode<D> {
    pub(super) decoder: D,
    pub(super) depth: usize,
}

impl<'de, D: ValueDecoder> Visitor<'de> for Decode<D> {
    type Value = Lenient<std::result::Result<D::Out, DecodeError>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value such as {\"S\": \"text\"}")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let Some(tag) = map.next_key::<Key<'de>>()? else {
            return Ok(Err(Bad::new("an attribute value with no type")));
        };
        let Decode { decoder, depth } = self;
        let decoded = match tag.0.as_ref() {
            "S" => map
                .next_value_seed(TagText("S"))?
                .map(|text| decoder.string(text)),
            "N" => map
                .next_value_seed(TagText("N"))?
                .map(|text| decoder.number(&text)),
            "L" | "M" if depth >= MAX_DEPTH => {
                map.next_value::<IgnoredAny>()?;
                Err(Bad::new(format!("nested deeper than {MAX_DEPTH} levels")))
            }
            "L" => map.next_value_seed(ListSeed {
                decoder,
                depth: depth + 1,
            })?,
            "M" => map.next_value_seed(MapSeed {
                decoder,
                depth: depth + 1,
            })?,
            "SS" => map.next_value_seed(SetSeed(decoder, SetKind::String))?,
            "NS" => map.next_value_seed(SetSeed(decoder, SetKind::Number))?,
            "BS" => map.next_value_seed(SetSeed(decoder, SetKind::Binary))?,
            other => {
                let value = tagged(other, &mut map, depth)?;
                if let Some(bad) = only_one(&mut map)? {
                    return Ok(Err(bad));
                }
                return Ok(value.map(|value| decoder.value(value)));
            }
        };
        if let Some(bad) = only_one(&mut map)? {
            return Ok(Err(bad));
        }
        Ok(decoded)
    }

    reject_others!("an attribute value such as {\"S\": \"text\"}"; visit_map);
}

/// A map (`M`) handed to a [`ValueDecoder`] entry by entry; `depth` is its entries'.
struct MapSeed<D> {
    decoder: D,
    depth: usize,
}

impl<'de, D: ValueDecoder> Visitor<'de> for MapSeed<D> {
    type Value = Lenient<std::result::Result<D::Out, DecodeError>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of attribute values")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut entries: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let depth = self.depth;
        let mut map = JsonMap {
            map: &mut entries,
            depth,
            broken: None,
            invalid: None,
        };
        let decoded = self.decoder.map(&mut map);
        let JsonMap {
            broken,
            mut invalid,
            ..
        } = map;
        if let Some(e) = broken {
            return Err(e);
        }
        // the decoder stops at its first error: the rest must still be read, and valid
        while let Some(name) = entries.next_key::<Key<'de>>()? {
            if let Err(bad) = entries.next_value_seed(Check { depth })? {
                invalid.get_or_insert_with(|| bad.under(Step::Key(&name.0)));
            }
        }
        Ok(match invalid {
            Some(bad) => Err(bad),
            None => Ok(decoded),
        })
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok(Err(Bad::new("`M` is null")))
    }
    reject_others!("an object of attribute values"; visit_map, visit_unit);
}

/// The entries of a map being read from JSON.
struct JsonMap<'a, 'de, A: MapAccess<'de>> {
    map: &'a mut A,
    depth: usize,
    broken: Option<A::Error>,
    invalid: Option<Box<Bad>>,
}

impl<'de, A: MapAccess<'de>> JsonMap<'_, 'de, A> {
    /// The next entry's name and its value read with `seed`.
    fn read<T, S>(&mut self, seed: S) -> Option<std::result::Result<(String, T), DecodeError>>
    where
        S: DeserializeSeed<'de, Value = Lenient<T>>,
    {
        let name = match self.map.next_key::<String>() {
            Ok(Some(name)) => name,
            Ok(None) => return None,
            Err(e) => {
                self.broken = Some(e);
                return None;
            }
        };
        match self.map.next_value_seed(seed) {
            Ok(Ok(value)) => Some(Ok((name, value))),
            Ok(Err(bad)) => {
                let error = DecodeError::custom(&bad.reason).at(&name);
                self.invalid
                    .get_or_insert_with(|| bad.under(Step::Key(&name)));
                Some(Err(error))
            }
            Err(e) => {
                self.broken = Some(e);
                None
            }
        }
    }
}

impl<'de, A: MapAccess<'de>> MapSource for &mut JsonMap<'_, 'de, A> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        let mut entries = crate::codec::Item::new();
        let depth = self.depth;
        while let Some(entry) = self.read(Value { depth }) {
            let (name, value) = entry?;
            entries.insert(name, value);
        }
        Ok(AttributeValue::M(entries))
    }

    fn next<T: FromAttributeValue>(
        &mut self,
    ) -> Option<std::result::Result<(String, std::result::Result<T, DecodeError>), DecodeError>>
    {
        let depth = self.depth;
        self.read(Decode {
            decoder: Nested::<T>::new(),
            depth,
        })
    }
}

impl<'de, A: MapAccess<'de>> FieldSource for JsonFields<'_, 'de, A> {
    fn next_name(&mut self) -> Option<&str> {
        if self.pending {
            self.skip();
        }
        if self.broken.is_some() {
            return None;
        }
        match self.map.next_key::<Key<'de>>() {
            Ok(key) => {
                self.pending = key.is_some();
                self.name = key.map(|k| k.0);
                self.name.as_deref()
            }
            Err(e) => {
                self.broken = Some(e);
                None
            }
        }
    }

    type Value<'b>
        = &'b mut Self
    where
        Self: 'b;

    fn value(&mut self) -> &mut Self {
        self
    }

    fn take_value(&mut self) -> std::result::Result<AttributeValue, DecodeError> {
        self.read(Value { depth: 0 })
    }

    fn skip(&mut self) {
        if !self.pending {
            return;
        }
        self.pending = false;
        match self.map.next_value_seed(Check { depth: 0 }) {
            Ok(Ok(())) => {}
            Ok(Err(bad)) => {
                let bad = self.here(bad);
                self.invalid.get_or_insert(bad);
            }
            Err(e) => self.broken = Some(e),
        }
    }
}

/// A list (`L`) handed to a [`ValueDecoder`] element by element; `depth` is its elements'.
struct ListSeed<D> {
    decoder: D,
    depth: usize,
}

impl<'de, D: ValueDecoder> Visitor<'de> for ListSeed<D> {
    type Value = Lenient<std::result::Result<D::Out, DecodeError>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of attribute values")
    }
    fn visit_seq<S: SeqAccess<'de>>(
        self,
        mut seq: S,
    ) -> std::result::Result<Self::Value, S::Error> {
        let depth = self.depth;
        let mut list = JsonList {
            seq: &mut seq,
            depth,
            index: 0,
            broken: None,
            invalid: None,
        };
        let decoded = self.decoder.list(&mut list);
        let JsonList {
            index,
            broken,
            mut invalid,
            ..
        } = list;
        if let Some(e) = broken {
            return Err(e);
        }
        // the decoder stops at its first error: the rest must still be read, and valid
        let mut index = index;
        while let Some(checked) = seq.next_element_seed(Check { depth })? {
            if let Err(bad) = checked {
                invalid.get_or_insert_with(|| bad.under(Step::Index(index)));
            }
            index += 1;
        }
        Ok(match invalid {
            Some(bad) => Err(bad),
            None => Ok(decoded),
        })
    }
    reject_others!("an array of attribute values"; visit_seq);
}

/// The elements of a list being read from JSON.
struct JsonList<'a, 'de, S: SeqAccess<'de>> {
    seq: &'a mut S,
    depth: usize,
    index: usize,
    broken: Option<S::Error>,
    invalid: Option<Box<Bad>>,
}

impl<'de, S: SeqAccess<'de>> JsonList<'_, 'de, S> {
    fn read<T, Seed>(&mut self, seed: Seed) -> Option<std::result::Result<T, DecodeError>>
    where
        Seed: DeserializeSeed<'de, Value = Lenient<T>>,
    {
        let index = self.index;
        match self.seq.next_element_seed(seed) {
            Ok(Some(Ok(value))) => {
                self.index += 1;
                Some(Ok(value))
            }
            Ok(Some(Err(bad))) => {
                self.index += 1;
                let error = DecodeError::custom(&bad.reason);
                self.invalid
                    .get_or_insert_with(|| bad.under(Step::Index(index)));
                Some(Err(error))
            }
            Ok(None) => None,
            Err(e) => {
                self.broken = Some(e);
                None
            }
        }
    }
}

impl<'de, S: SeqAccess<'de>> ListSource for &mut JsonList<'_, 'de, S> {
    fn value(self) -> std::result::Result<AttributeValue, DecodeError> {
        let mut elements = Vec::new();
        let depth = self.depth;
        while let Some(element) = self.read(Value { depth }) {
            elements.push(element?);
        }
        Ok(AttributeValue::L(elements))
    }

    fn next<T: FromAttributeValue>(&mut self) -> Option<std::result::Result<T, DecodeError>> {
        let depth = self.depth;
        self.read(Decode {
            decoder: Nested::<T>::new(),
            depth,
        })
        .map(|decoded| decoded.and_then(|d| d))
    }
}

/// A set (`SS`, `NS`, `BS`) handed to a [`ValueDecoder`] member by member.
struct SetSeed<D>(D, SetKind);

impl<'de, D: ValueDecoder> Visitor<'de> for SetSeed<D> {
    type Value = Lenient<std::result::Result<D::Out, DecodeError>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_seq<S: SeqAccess<'de>>(
        self,
        mut seq: S,
    ) -> std::result::Result<Self::Value, S::Error> {
        let mut set = JsonSet {
            seq: &mut seq,
            kind: self.1,
            index: 0,
            broken: None,
            invalid: None,
        };
        let decoded = self.0.set(self.1, &mut set);
        let JsonSet {
            index,
            broken,
            mut invalid,
            ..
        } = set;
        if let Some(e) = broken {
            return Err(e);
        }
        // the decoder stops at its first error: the rest must still be read, and valid
        let mut rest = JsonSet {
            seq: &mut seq,
            kind: self.1,
            index,
            broken: None,
            invalid: None,
        };
        while SetSource::next(&mut &mut rest).is_some() {}
        if let Some(e) = rest.broken {
            return Err(e);
        }
        if let Some(bad) = rest.invalid {
            invalid.get_or_insert(bad);
        }
        Ok(match invalid {
            Some(bad) => Err(bad),
            None => Ok(decoded),
        })
    }
    reject_others!("an array of strings"; visit_seq);
}

/// The members of a set being read from JSON.
struct JsonSet<'a, 'de, S: SeqAccess<'de>> {
    seq: &'a mut S,
    kind: SetKind,
    index: usize,
    broken: Option<S::Error>,
    invalid: Option<Box<Bad>>,
}

impl<'de, S: SeqAccess<'de>> SetSource for &mut JsonSet<'_, 'de, S> {
    fn value(mut self) -> std::result::Result<AttributeValue, DecodeError> {
        let mut text = Vec::new();
        let mut binary = Vec::new();
        while let Some(member) = self.next() {
            match member? {
                SetEntry::Text(t) => text.push(t),
                SetEntry::Bytes(b) => binary.push(aws_sdk_dynamodb::primitives::Blob::new(b)),
            }
        }
        Ok(match self.kind {
            SetKind::String => AttributeValue::Ss(text),
            SetKind::Number => AttributeValue::Ns(text),
            SetKind::Binary => AttributeValue::Bs(binary),
        })
    }

    fn next(&mut self) -> Option<std::result::Result<SetEntry, DecodeError>> {
        let index = self.index;
        let read = match self.seq.next_element_seed(Str) {
            Ok(Some(read)) => read,
            Ok(None) => return None,
            Err(e) => {
                self.broken = Some(e);
                return None;
            }
        };
        self.index += 1;
        let member = match read {
            Ok(Some(text)) if self.kind == SetKind::Binary => {
                use base64::Engine as _;
                BASE64
                    .decode(text.as_bytes())
                    .map(SetEntry::Bytes)
                    .map_err(|e| Bad::new(format!("invalid base64: {e}")))
            }
            Ok(Some(text)) => Ok(SetEntry::Text(text)),
            Ok(None) => Err(Bad::new("expected a string, found null")),
            Err(bad) => Err(bad),
        };
        Some(member.map_err(|bad| {
            let error = DecodeError::custom(&bad.reason);
            self.invalid
                .get_or_insert_with(|| bad.under(Step::Index(index)));
            error
        }))
    }
}

// Each of these reads any JSON value: the seed is its own visitor.
seed_is_visitor!(
    impl[D: ValueDecoder] Decode<D>,
    impl[D: ValueDecoder] MapSeed<D>,
    impl[D: ValueDecoder] ListSeed<D>,
    impl[D: ValueDecoder] SetSeed<D>,
);
