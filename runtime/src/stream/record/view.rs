//! The view types (what each kind of event carries under a stream's view type), the payloads
//! of the events, and the images of a record being decoded.

use crate::codec::Item;
use crate::error::{DecodeError, Image, RecordError};
use crate::model::{DynamoModel, ModelKey, StreamView};

mod sealed {
    /// Only this crate's view types and payloads.
    pub trait Sealed {}
}

impl sealed::Sealed for NewAndOldImages {}
impl sealed::Sealed for NewImage {}
impl sealed::Sealed for OldImage {}
impl sealed::Sealed for KeysOnly {}
impl<M> sealed::Sealed for New<M> {}
impl<M> sealed::Sealed for Old<M> {}
impl<M> sealed::Sealed for OldAndNew<M> {}
impl<K> sealed::Sealed for KeyOnly<K> {}
impl<M> sealed::Sealed for RemovedItem<M> {}
impl<K> sealed::Sealed for RemovedKey<K> {}

/// A stream view type as a type: what each kind of event carries. Implemented by the four
/// view types only.
pub trait ViewType: sealed::Sealed + Send + Sync + 'static {
    /// The view type.
    const VIEW: StreamView;
    /// What an `INSERT` carries.
    type Insert<M: DynamoModel>: Payload<M>;
    /// What a `MODIFY` carries.
    type Modify<M: DynamoModel>: Payload<M>;
    /// What a `REMOVE` carries.
    type Remove<M: DynamoModel>: Payload<M>;
}

/// `stream = "new_and_old_images"`: inserts carry the new item, modifications both, removals
/// the old one.
#[derive(Debug, Clone, Copy)]
pub enum NewAndOldImages {}
/// `stream = "new_image"`: inserts and modifications carry the new item, removals the key.
#[derive(Debug, Clone, Copy)]
pub enum NewImage {}
/// `stream = "old_image"`: modifications and removals carry the old item, inserts the key.
#[derive(Debug, Clone, Copy)]
pub enum OldImage {}
/// `stream = "keys_only"`: every event carries the key.
#[derive(Debug, Clone, Copy)]
pub enum KeysOnly {}

impl ViewType for NewAndOldImages {
    const VIEW: StreamView = StreamView::NewAndOldImages;
    type Insert<M: DynamoModel> = New<M>;
    type Modify<M: DynamoModel> = OldAndNew<M>;
    type Remove<M: DynamoModel> = RemovedItem<M>;
}

impl ViewType for NewImage {
    const VIEW: StreamView = StreamView::NewImage;
    type Insert<M: DynamoModel> = New<M>;
    type Modify<M: DynamoModel> = New<M>;
    type Remove<M: DynamoModel> = RemovedKey<M::Key>;
}

impl ViewType for OldImage {
    const VIEW: StreamView = StreamView::OldImage;
    type Insert<M: DynamoModel> = KeyOnly<M::Key>;
    type Modify<M: DynamoModel> = Old<M>;
    type Remove<M: DynamoModel> = RemovedItem<M>;
}

impl ViewType for KeysOnly {
    const VIEW: StreamView = StreamView::KeysOnly;
    type Insert<M: DynamoModel> = KeyOnly<M::Key>;
    type Modify<M: DynamoModel> = KeyOnly<M::Key>;
    type Remove<M: DynamoModel> = RemovedKey<M::Key>;
}

/// The item after the change (an insert, or a modification on a `new_image` stream).
#[derive(Debug, Clone, PartialEq)]
pub struct New<M> {
    /// The item as it is now.
    pub new: M,
}

/// The item before the change (a modification on an `old_image` stream).
#[derive(Debug, Clone, PartialEq)]
pub struct Old<M> {
    /// The item as it was.
    pub old: M,
}

/// The item before and after a modification (`new_and_old_images`).
#[derive(Debug, Clone, PartialEq)]
pub struct OldAndNew<M> {
    /// The item as it was.
    pub old: M,
    /// The item as it is now.
    pub new: M,
}

/// Only the changed item's key (views without the image this kind would carry).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyOnly<K> {
    /// The primary key.
    pub key: K,
}

/// A removal with the removed item (`old_image`, `new_and_old_images`).
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedItem<M> {
    /// The item as it was before it was removed.
    pub old: M,
    /// True when DynamoDB's TTL process removed it (it had expired), false for a delete.
    pub expired: bool,
}

/// A removal with only the removed item's key (`new_image`, `keys_only`).
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedKey<K> {
    /// The primary key.
    pub key: K,
    /// True when DynamoDB's TTL process removed it (it had expired), false for a delete.
    pub expired: bool,
}

/// An image of a record being decoded: as an item, or already decoded (read straight from
/// JSON).
#[doc(hidden)]
pub(crate) enum Slot<T> {
    /// Not decoded yet.
    Item(Item),
    /// Decoded.
    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    Decoded(Result<T, DecodeError>),
}

/// The images of a record being decoded.
#[doc(hidden)]
pub struct Images<M: DynamoModel> {
    pub(crate) keys: Option<Slot<M::Key>>,
    pub(crate) new: Option<Slot<M>>,
    pub(crate) old: Option<Slot<M>>,
    pub(crate) expired: bool,
    pub(crate) view: Option<std::borrow::Cow<'static, str>>,
}

impl<M: DynamoModel> Images<M> {
    pub(crate) fn new(
        keys: Option<Slot<M::Key>>,
        new: Option<Slot<M>>,
        old: Option<Slot<M>>,
    ) -> Self {
        Images {
            keys,
            new,
            old,
            expired: false,
            view: None,
        }
    }

    /// The new image (`new: true`) or the old one, decoded.
    fn take(&mut self, new: bool) -> Result<M, RecordError> {
        let (slot, image) = if new {
            (&mut self.new, Image::NewImage)
        } else {
            (&mut self.old, Image::OldImage)
        };
        let decoded = match slot.take() {
            Some(Slot::Item(item)) => M::from_item(item),
            Some(Slot::Decoded(decoded)) => decoded,
            None => {
                return Err(RecordError::MissingImage {
                    image,
                    record_view: self.view.as_deref().map(str::to_owned),
                });
            }
        };
        decoded.map_err(|error| RecordError::Decode { image, error })
    }

    fn key(&mut self) -> Result<M::Key, RecordError> {
        let decoded = match self.keys.take() {
            Some(Slot::Item(item)) => M::Key::from_key_item(&item),
            Some(Slot::Decoded(decoded)) => decoded,
            None => {
                return Err(RecordError::MissingImage {
                    image: Image::Keys,
                    record_view: self.view.as_deref().map(str::to_owned),
                });
            }
        };
        decoded.map_err(|error| RecordError::Decode {
            image: Image::Keys,
            error,
        })
    }
}

/// What one kind of event carries, decoded from a record's images. Implemented by this
/// crate's payload types only.
pub trait Payload<M: DynamoModel>: sealed::Sealed + Send + Sync + Sized + 'static {
    /// Takes what this payload needs from the images.
    #[doc(hidden)]
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError>;
}

impl<M: DynamoModel> Payload<M> for New<M> {
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError> {
        Ok(New {
            new: images.take(true)?,
        })
    }
}

impl<M: DynamoModel> Payload<M> for Old<M> {
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError> {
        Ok(Old {
            old: images.take(false)?,
        })
    }
}

impl<M: DynamoModel> Payload<M> for OldAndNew<M> {
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError> {
        let old = images.take(false)?;
        let new = images.take(true)?;
        Ok(OldAndNew { old, new })
    }
}

impl<M: DynamoModel> Payload<M> for KeyOnly<M::Key> {
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError> {
        Ok(KeyOnly { key: images.key()? })
    }
}

impl<M: DynamoModel> Payload<M> for RemovedItem<M> {
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError> {
        Ok(RemovedItem {
            old: images.take(false)?,
            expired: images.expired,
        })
    }
}

impl<M: DynamoModel> Payload<M> for RemovedKey<M::Key> {
    fn decode(images: &mut Images<M>) -> Result<Self, RecordError> {
        Ok(RemovedKey {
            key: images.key()?,
            expired: images.expired,
        })
    }
}

/// Which images a view type's events are decoded from: the others are never read.
#[cfg(feature = "json")]
pub(crate) fn images_used(view: StreamView) -> [bool; 3] {
    // [Keys, NewImage, OldImage]
    match view {
        StreamView::NewAndOldImages => [false, true, true],
        StreamView::NewImage => [true, true, false],
        StreamView::OldImage => [true, false, true],
        StreamView::KeysOnly => [true, false, false],
    }
}
