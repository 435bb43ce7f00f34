//! store-sqlite (in progress)
