//! The server's tests: the real server on 127.0.0.1:0, over SQLite and PostgreSQL, called over HTTP.

mod api;
mod common;
mod faults;
mod hospital;
mod mail;
mod matrix;
mod openapi;
mod questions;
mod rss;
mod upload;
