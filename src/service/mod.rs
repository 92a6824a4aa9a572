//! The platform's workflows, shared by the JSON API, the pages and the command line: each
//! takes the acting user, checks the role, validates, and writes in one transaction.

pub mod accounts;
pub mod applications;
pub mod employers;
pub mod followups;
pub mod notify;
pub mod rights;
pub mod search;
pub mod training;
pub mod vacancies;
pub mod workers;
