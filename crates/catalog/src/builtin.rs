//! The catalogs compiled into kaiji: every `catalogs/*.yaml`, converted to JSON by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
