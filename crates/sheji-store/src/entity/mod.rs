//! Every table as a SeaORM entity. Each capability keeps its tables in its own `entity`
//! folder; this module gathers them, one line a capability, so queries name them as
//! `crate::entity::<table>`.

pub use crate::audit::entity::*;
pub use crate::cooperation::entity::*;
pub use crate::event::entity::*;
pub use crate::files::entity::*;
pub use crate::identity::entity::*;
pub use crate::job::entity::*;
pub use crate::matchmaking::entity::*;
pub use crate::notification::entity::*;
pub use crate::recognition::entity::*;
pub use crate::reference::entity::*;
pub use crate::registry::entity::*;
pub use crate::review::entity::*;
pub use crate::search::entity::*;
pub use crate::service::entity::*;
