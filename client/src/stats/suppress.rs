//! Small counts hidden in what leaves the member's machine (the CSV files and the printable
//! page): a count from 1 to below the threshold shows as "< 5", and so that it cannot be worked
//! out from the totals, every line (a table's rows with their total, a grid's row or column
//! with its total) with one hidden cell gets a second one hidden, the smallest shown (a zero first: it
//! loses the least), until no
//! line has exactly one. Zero is shown: it points at no one.

/// The threshold when the team sets none: the annual report's "fewer than five".
pub const DEFAULT_THRESHOLD: u32 = 5;

/// Which of `cells` to hide. Each line lists the indices of cells of which one is the sum of
/// the others (a table's rows and its total); a cell may be in several lines.
pub fn hide(cells: &[u32], lines: &[Vec<usize>], threshold: u32) -> Vec<bool> {
    let mut hidden: Vec<bool> = cells.iter().map(|&c| c > 0 && c < threshold).collect();
    loop {
        let mut changed = false;
        for line in lines {
            let alone = line
                .iter()
                .filter(|&&i| hidden.get(i).copied().unwrap_or(false))
                .count()
                == 1;
            let next = line
                .iter()
                .copied()
                .filter(|&i| !hidden.get(i).copied().unwrap_or(true))
                .min_by_key(|&i| cells.get(i).copied().unwrap_or(u32::MAX));
            if let (true, Some(i)) = (alone, next)
                && let Some(h) = hidden.get_mut(i)
            {
                *h = true;
                changed = true;
            }
        }
        if !changed {
            return hidden;
        }
    }
}

/// A table's rows and its total, with the hidden ones: the rows' flags, then the total's.
pub fn hide_table(rows: &[u32], total: u32, threshold: u32) -> (Vec<bool>, bool) {
    let mut cells = rows.to_vec();
    cells.push(total);
    let line: Vec<usize> = (0..cells.len()).collect();
    let mut hidden = hide(&cells, &[line], threshold);
    let total_hidden = hidden.pop().unwrap_or(false);
    (hidden, total_hidden)
}

/// A grid of counts with row totals, column totals and the grand total, with the hidden
/// cells in the same shape: `(cells, row totals, column totals, grand total)`.
pub fn hide_grid(
    grid: &[Vec<u32>],
    threshold: u32,
) -> (Vec<Vec<bool>>, Vec<bool>, Vec<bool>, bool) {
    let rows = grid.len();
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    // Cells row by row with the row total last; then the column totals and the grand total.
    let width = cols + 1;
    let mut cells = vec![0u32; (rows + 1) * width];
    for (r, row) in grid.iter().enumerate() {
        for (c, &n) in row.iter().enumerate() {
            cells[r * width + c] = n;
            cells[r * width + cols] += n;
            cells[rows * width + c] += n;
            cells[rows * width + cols] += n;
        }
    }
    let mut lines: Vec<Vec<usize>> = (0..=rows)
        .map(|r| (0..width).map(|c| r * width + c).collect())
        .collect();
    lines.extend((0..width).map(|c| (0..=rows).map(|r| r * width + c).collect()));
    let hidden = hide(&cells, &lines, threshold);
    let at = |r: usize, c: usize| hidden.get(r * width + c).copied().unwrap_or(true);
    (
        (0..rows)
            .map(|r| (0..cols).map(|c| at(r, c)).collect())
            .collect(),
        (0..rows).map(|r| at(r, cols)).collect(),
        (0..cols).map(|c| at(rows, c)).collect(),
        at(rows, cols),
    )
}

/// What a count shows once hidden: "< 5", or the count.
pub fn show(count: u32, hidden: bool, threshold: u32) -> String {
    if hidden {
        format!("< {threshold}")
    } else {
        count.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line with one hidden cell is solved by subtraction: whatever the counts, every line
    /// ends with none or at least two hidden.
    fn no_line_alone(cells: &[u32], lines: &[Vec<usize>], hidden: &[bool]) {
        for line in lines {
            let n = line.iter().filter(|&&i| hidden[i]).count();
            assert!(n != 1, "{cells:?} {line:?} {hidden:?}");
        }
    }

    #[test]
    fn a_small_count_and_its_complement_are_hidden() {
        // The smallest shown cell goes with it, a zero first: it loses the least.
        let (rows, total) = hide_table(&[12, 3, 7, 0], 22, 5);
        assert_eq!(rows, [false, true, false, true]);
        assert!(!total);
        assert_eq!(hide_table(&[12, 3, 7], 22, 5).0, [false, true, true]);
        // Two small ones hide each other.
        assert_eq!(hide_table(&[12, 3, 2], 17, 5).0, [false, true, true]);
        // A small total is hidden with its one small cell.
        assert_eq!(
            hide_table(&[3, 0, 0], 3, 5),
            (vec![true, false, false], true)
        );
        // A small total hides everything that is not zero.
        assert_eq!(hide_table(&[2, 1], 3, 5), (vec![true, true], true));
        // Nothing small, nothing hidden; the threshold is the team's.
        assert_eq!(hide_table(&[5, 9], 14, 5).0, [false, false]);
        assert_eq!(hide_table(&[5, 9], 14, 10).0, [true, true]);
        assert_eq!(show(3, true, 5), "< 5");
        assert_eq!(show(3, false, 5), "3");
    }

    #[test]
    fn no_line_of_a_grid_keeps_a_single_hidden_cell() {
        let grids = [
            vec![vec![10, 2, 8], vec![7, 9, 6], vec![11, 12, 5]],
            vec![vec![1, 0, 0], vec![0, 0, 0], vec![0, 9, 9]],
            vec![vec![6, 6], vec![6, 4]],
            vec![vec![3]],
        ];
        for grid in grids {
            let (cells, row_totals, col_totals, grand) = hide_grid(&grid, 5);
            for (r, row) in grid.iter().enumerate() {
                for (c, &n) in row.iter().enumerate() {
                    if n > 0 && n < 5 {
                        assert!(cells[r][c], "{grid:?} {r} {c}");
                    }
                }
                let line: Vec<bool> = cells[r].iter().copied().chain([row_totals[r]]).collect();
                assert!(line.iter().filter(|h| **h).count() != 1, "{grid:?} row {r}");
            }
            for c in 0..grid[0].len() {
                let line: Vec<bool> = cells
                    .iter()
                    .map(|row| row[c])
                    .chain([col_totals[c]])
                    .collect();
                assert!(
                    line.iter().filter(|h| **h).count() != 1,
                    "{grid:?} column {c}"
                );
            }
            let last: Vec<bool> = row_totals.iter().copied().chain([grand]).collect();
            assert!(last.iter().filter(|h| **h).count() != 1, "{grid:?} totals");
        }
        let cells = [1, 9, 10];
        let lines = vec![vec![0, 1, 2]];
        no_line_alone(&cells, &lines, &hide(&cells, &lines, 5));
    }
}
