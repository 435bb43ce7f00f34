//! gazetteer (in progress)
