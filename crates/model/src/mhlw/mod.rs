//! The MHLW cybersecurity checklist: a hospital's inventory of vendor systems and the lines of
//! the checklist that the inventory and the collected disclosures can evidence.

pub mod inventory;

pub use inventory::{
    Answered, ChecklistLine, Collected, Edition, Form, Gap, Inventory, MHLW_CHECKLIST, SystemEntry,
    collect_held, inventory_schema, mhlw_edition, mhlw_editions, mhlw_lines,
};
