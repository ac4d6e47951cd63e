//! Recordings of live traffic: the file format, normalising what changes between sessions into
//! placeholders, replaying a recorded sequence against a server, and turning one into a case.

pub(crate) mod normalize;
pub(crate) mod recording;
pub(crate) mod replay;
pub(crate) mod to_case;
