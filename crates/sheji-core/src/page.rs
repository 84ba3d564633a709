//! Pagination: every list in Sheji is read one bounded page at a time.

use serde::Serialize;

/// The largest page anyone may ask for; larger requests are clamped, not refused.
pub const MAX_PER_PAGE: u64 = 200;
/// The page size when none is asked for.
pub const DEFAULT_PER_PAGE: u64 = 50;
/// The highest page number anyone may ask for: far beyond any real list, and small enough
/// that no offset it makes can overflow a database integer (a page number of 2^63 once
/// panicked inside the query builder).
pub const MAX_PAGE: u64 = 1_000_000;

/// A page number or size a client asked for that no list has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageRangeError {
    /// `page` is 0 or above [`MAX_PAGE`].
    #[error("page must be between 1 and {MAX_PAGE}")]
    Page,
    /// `per_page` is 0 or above [`MAX_PER_PAGE`].
    #[error("per_page must be between 1 and {MAX_PER_PAGE}")]
    PerPage,
}

/// Which page of a list to read, already clamped to sane bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u64,
    per_page: u64,
}

impl PageRequest {
    /// Page numbers start at 1; zero or absent values fall back to the defaults, and values
    /// beyond the bounds are brought within them (for pages, which stay lenient with a link
    /// typed by hand; the API refuses them through [`PageRequest::checked`]).
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        let page = page.filter(|p| *p >= 1).unwrap_or(1).min(MAX_PAGE);
        let per_page = per_page.filter(|n| *n >= 1).unwrap_or(DEFAULT_PER_PAGE).min(MAX_PER_PAGE);
        Self { page, per_page }
    }

    /// What a client asked for, refused when out of bounds rather than quietly changed: a
    /// program that asks for page 0 or 10 000 rows per page has a bug it should hear about.
    pub fn checked(page: Option<u64>, per_page: Option<u64>) -> Result<Self, PageRangeError> {
        if page.is_some_and(|p| !(1..=MAX_PAGE).contains(&p)) {
            return Err(PageRangeError::Page);
        }
        if per_page.is_some_and(|n| !(1..=MAX_PER_PAGE).contains(&n)) {
            return Err(PageRangeError::PerPage);
        }
        Ok(Self::new(page, per_page))
    }

    /// The 1-based page number.
    pub fn page(&self) -> u64 {
        self.page
    }

    /// Rows per page.
    pub fn per_page(&self) -> u64 {
        self.per_page
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of a list, with what a pager needs to draw itself.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The 1-based page number.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Rows in the whole list (after filters).
    pub total: u64,
}

impl<T> Page<T> {
    /// Wraps the rows read for `request`.
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        Self { items, page: request.page(), per_page: request.per_page(), total }
    }

    /// How many pages the whole list takes (at least one, so an empty list still has a page 1).
    pub fn page_count(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }

    /// Converts every row, keeping the paging figures.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_fall_back_and_large_pages_are_clamped() {
        let r = PageRequest::new(Some(0), Some(0));
        assert_eq!((r.page(), r.per_page(), r.offset()), (1, DEFAULT_PER_PAGE, 0));
        let r = PageRequest::new(Some(3), Some(10_000));
        assert_eq!((r.page(), r.per_page(), r.offset()), (3, MAX_PER_PAGE, 400));
        let r = PageRequest::new(Some(i64::MAX as u64), Some(200));
        assert_eq!(r.page(), MAX_PAGE);
        assert!(i64::try_from(r.offset()).is_ok(), "no offset overflows a database integer");
    }

    #[test]
    fn a_client_asking_beyond_the_bounds_is_refused() {
        assert_eq!(PageRequest::checked(Some(i64::MAX as u64), None), Err(PageRangeError::Page));
        assert_eq!(PageRequest::checked(Some(0), None), Err(PageRangeError::Page));
        assert_eq!(PageRequest::checked(None, Some(0)), Err(PageRangeError::PerPage));
        assert_eq!(PageRequest::checked(None, Some(MAX_PER_PAGE + 1)), Err(PageRangeError::PerPage));
        assert_eq!(PageRequest::checked(Some(MAX_PAGE), Some(MAX_PER_PAGE)).map(|r| r.page()), Ok(MAX_PAGE));
        assert_eq!(PageRequest::checked(None, None), Ok(PageRequest::default()));
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let p: Page<u8> = Page::new(vec![], PageRequest::new(Some(1), Some(20)), 0);
        assert_eq!(p.page_count(), 1);
        let p: Page<u8> = Page::new(vec![], PageRequest::new(Some(1), Some(20)), 41);
        assert_eq!(p.page_count(), 3);
    }
}
