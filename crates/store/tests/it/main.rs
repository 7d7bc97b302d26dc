//! The store's integration tests: one binary, every test against a fresh SQLite file and a fresh
//! PostgreSQL database (`on_both!`).

mod common;

mod accounts;
mod audit;
mod concurrency;
mod durability;
mod exchange;
mod schema;
mod vendor;
mod work;
