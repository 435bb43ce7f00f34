//! Backup and restore (placeholder until the generic dump lands).

use store::{BackupSink, BackupSource, BackupStats, StoreError};

use crate::PostgresStore;

impl PostgresStore {
    pub(crate) async fn backup_async(&self, sink: &mut dyn BackupSink) -> Result<BackupStats, StoreError> {
        let _ = sink;
        Err(StoreError::Other("backup of PostgreSQL is not implemented yet".to_owned()))
    }

    pub(crate) async fn restore_async(
        &self,
        source: &mut dyn BackupSource,
    ) -> Result<BackupStats, StoreError> {
        let _ = source;
        Err(StoreError::Other("restore into PostgreSQL is not implemented yet".to_owned()))
    }
}
