//! The public JSON contract of `refwatch extract` (see docs/extract-json.md).
