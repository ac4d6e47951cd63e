//! The coverage matrix: every operation of the spec × its documented statuses × every product,
//! each cell saying whether an exchange exercised it and whether all such exchanges passed.
//! Exchanges that fit no cell (an undocumented status, no operation, an operation a product does
//! not have) are kept apart, as they are findings too.

use hookspec_mock::Product;
use hookspec_mock::table::{OPERATIONS, Operation, PRODUCTS};

use super::Exchange;

/// One cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The operation does not exist on this product.
    NotApplicable,
    /// No exchange with this operation, status and product.
    NotExercised,
    /// Exercised: how many exchanges passed and how many failed.
    Exercised {
        /// Exchanges whose checks found nothing.
        passed: usize,
        /// Exchanges with problems.
        failed: usize,
    },
}

impl Cell {
    fn add(&mut self, passed: bool) {
        let (mut p, mut f) = match *self {
            Cell::Exercised { passed, failed } => (passed, failed),
            _ => (0, 0),
        };
        if passed {
            p += 1;
        } else {
            f += 1;
        }
        *self = Cell::Exercised {
            passed: p,
            failed: f,
        };
    }
}

/// One row: an operation and one of its documented statuses, a cell per product.
#[derive(Debug, Clone)]
pub struct Row {
    /// The operation.
    pub operation: &'static Operation,
    /// The documented status.
    pub status: u16,
    /// The spec's description of that response.
    pub description: &'static str,
    /// One cell per product, in [`Coverage::products`] order.
    pub cells: Vec<Cell>,
}

/// The matrix and the exchanges outside it.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The products, one a column (the spec's product table order).
    pub products: Vec<Product>,
    /// One row per operation and documented status, in spec order.
    pub rows: Vec<Row>,
    /// Exchanges that fit no cell, with why.
    pub outside: Vec<(Exchange, String)>,
}

/// Counts over the cells of a matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoverageCounts {
    /// Cells where the operation exists on the product.
    pub applicable: usize,
    /// Of which, exercised by at least one exchange.
    pub exercised: usize,
    /// Of which, with at least one failed exchange.
    pub failed: usize,
}

impl Coverage {
    /// The matrix of `exchanges` over the generated tables (`OPERATIONS`, `PRODUCTS`).
    pub fn of<'a>(exchanges: impl IntoIterator<Item = &'a Exchange>) -> Self {
        Coverage::over(OPERATIONS, exchanges)
    }

    /// The matrix of `exchanges` over `operations` (and every product).
    pub fn over<'a>(
        operations: &'static [Operation],
        exchanges: impl IntoIterator<Item = &'a Exchange>,
    ) -> Self {
        let products: Vec<Product> = PRODUCTS.iter().map(|info| info.product).collect();
        let mut rows: Vec<Row> = operations
            .iter()
            .flat_map(|operation| {
                let products = &products;
                operation.responses.iter().map(move |response| Row {
                    operation,
                    status: response.status,
                    description: response.description,
                    cells: products
                        .iter()
                        .map(|&product| {
                            if operation.available_on(product) {
                                Cell::NotExercised
                            } else {
                                Cell::NotApplicable
                            }
                        })
                        .collect(),
                })
            })
            .collect();
        let mut outside = Vec::new();
        for exchange in exchanges {
            let Some(id) = &exchange.operation else {
                outside.push((exchange.clone(), "matches no operation of the spec".into()));
                continue;
            };
            let Some(status) = exchange.status else {
                outside.push((exchange.clone(), "no response".into()));
                continue;
            };
            let column = products.iter().position(|p| *p == exchange.product);
            let row = rows
                .iter_mut()
                .find(|row| row.operation.id == id && row.status == status);
            match (row, column) {
                (Some(row), Some(column)) if row.cells[column] != Cell::NotApplicable => {
                    row.cells[column].add(exchange.passed());
                }
                (Some(_), Some(_)) => outside.push((
                    exchange.clone(),
                    format!("{id} does not exist on {}", exchange.product.id()),
                )),
                _ => outside.push((
                    exchange.clone(),
                    format!("{status} is not documented for {id}"),
                )),
            }
        }
        Coverage {
            products,
            rows,
            outside,
        }
    }

    /// Counts for `product` (or every product with `None`).
    pub fn counts(&self, product: Option<Product>) -> CoverageCounts {
        let mut counts = CoverageCounts::default();
        for row in &self.rows {
            for (cell, column) in row.cells.iter().zip(&self.products) {
                if product.is_some_and(|p| p != *column) {
                    continue;
                }
                match cell {
                    Cell::NotApplicable => {}
                    Cell::NotExercised => counts.applicable += 1,
                    Cell::Exercised { failed, .. } => {
                        counts.applicable += 1;
                        counts.exercised += 1;
                        if *failed > 0 {
                            counts.failed += 1;
                        }
                    }
                }
            }
        }
        counts
    }

    /// How many rows `operation` has (its documented statuses).
    pub fn rows_of(&self, operation: &str) -> usize {
        self.rows
            .iter()
            .filter(|row| row.operation.id == operation)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Check, Problem, RequestLine};
    use std::time::Duration;

    fn exchange(operation: &str, status: u16, product: Product, ok: bool) -> Exchange {
        Exchange {
            operation: Some(operation.into()),
            product,
            request: RequestLine {
                method: "GET".into(),
                url: "http://x/".into(),
            },
            request_body: None,
            status: Some(status),
            response_headers: Vec::new(),
            response_body: None,
            problems: if ok {
                Vec::new()
            } else {
                vec![Problem::new(Check::Schema, "no")]
            },
            waited: Duration::ZERO,
        }
    }

    #[test]
    fn every_operation_and_documented_status_has_a_row() {
        let coverage = Coverage::of([]);
        let documented: usize = OPERATIONS.iter().map(|op| op.responses.len()).sum();
        assert_eq!(coverage.rows.len(), documented);
        for operation in OPERATIONS {
            assert!(coverage.rows_of(operation.id) > 0, "{}", operation.id);
        }
        assert_eq!(coverage.counts(None).exercised, 0);
    }

    #[test]
    fn cells_count_passes_and_failures_and_strays_are_kept_apart() {
        let list = [
            exchange("orgs/list-webhooks", 200, Product::Dotcom, true),
            exchange("orgs/list-webhooks", 200, Product::Dotcom, false),
            exchange("orgs/list-webhooks", 599, Product::Dotcom, true),
            exchange(
                "enterprise-admin/list-global-webhooks",
                200,
                Product::Dotcom,
                true,
            ),
        ];
        let coverage = Coverage::of(&list);
        let column = coverage
            .products
            .iter()
            .position(|p| *p == Product::Dotcom)
            .unwrap_or(usize::MAX);
        let row = coverage
            .rows
            .iter()
            .find(|r| r.operation.id == "orgs/list-webhooks" && r.status == 200);
        assert_eq!(
            row.map(|r| r.cells[column]),
            Some(Cell::Exercised {
                passed: 1,
                failed: 1
            })
        );
        assert_eq!(coverage.outside.len(), 2, "{:?}", coverage.outside);
        let counts = coverage.counts(Some(Product::Dotcom));
        assert_eq!((counts.exercised, counts.failed), (1, 1));
    }
}
