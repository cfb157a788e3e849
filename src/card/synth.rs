//! Title and summary synthesis (to be written).
