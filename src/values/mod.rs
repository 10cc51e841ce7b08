pub mod float_repr;
pub mod numparse;
