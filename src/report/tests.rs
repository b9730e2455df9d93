//! Tests of the report model.

use super::*;

#[test]
fn shares_round_to_four_decimals() {
    assert_eq!(share(1, 3), 0.3333);
    assert_eq!(share(2, 3), 0.6667);
    assert_eq!(share(0, 0), 0.0);
}
