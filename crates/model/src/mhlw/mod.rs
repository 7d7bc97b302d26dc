//! The MHLW cybersecurity checklist: a hospital's inventory of vendor systems and the lines of
//! the checklist that the inventory and the collected disclosures can evidence.

pub mod inventory;

pub use inventory::{
    ChecklistLine, Collected, Form, Gap, Inventory, MHLW_CHECKLIST, SystemEntry, inventory_schema,
    mhlw_lines,
};
