pub mod format_spec;
pub mod percent;
