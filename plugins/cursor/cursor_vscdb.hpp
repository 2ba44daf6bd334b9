// Reading Cursor's `state.vscdb` (SQLite, live while Cursor runs): every
// assistant bubble with a token count becomes one event.
//
// The database is opened read-only with a busy timeout and read in short
// rowid-ordered chunks, so a writer never waits on us for long. The saved
// state makes later scans read only rows written since the previous one (see
// the .cpp for why that is safe and where it is not).
#pragma once

#include "usage/scan/source.hpp"

namespace usage::plugins::cursor {

/// Scan `file` (a state.vscdb) from the mark in `start.state`. Throws
/// std::runtime_error naming the file when SQLite cannot read it.
ScanResult scan_state_db(const SourceFile& file, const ScanStart& start);

}  // namespace usage::plugins::cursor
