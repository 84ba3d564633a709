//! Turns a caller's [`Scope`] into a query condition. Values are bound parameters; no SQL
//! text is built from the scope. Every scoped query in the store goes through [`rows`].

use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef};
use sheji_core::identity::Scope;

/// The rows of a table reached by `scope`, given the table's district and organization
/// columns. Assigned items reach no rows of tables that nothing is assigned from; an empty
/// scope reaches nothing.
pub(crate) fn rows(scope: &Scope, district: impl IntoColumnRef, organization: impl IntoColumnRef) -> Condition {
    if scope.all {
        return Condition::all();
    }
    let mut any = Condition::any();
    if !scope.districts.is_empty() {
        any = any.add(Expr::col(district).is_in(scope.districts.iter().map(|d| d.get())));
    }
    if !scope.organizations.is_empty() {
        any = any.add(Expr::col(organization).is_in(scope.organizations.iter().map(|o| o.get())));
    }
    if any.is_empty() { nothing() } else { any }
}

/// A condition no row satisfies.
pub(crate) fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}
