// A home with two Claude Code sessions in two projects (like
// cli_report_test: 3 calls, 1,390 tokens), for the local-mode serve tests.
#pragma once

#include "serve_helpers.hpp"
#include "transcripts/claude_lines.hpp"

namespace serve_test {

// Two sessions in two projects (like cli_report_test), scanned by `sync`.
struct LocalHome : testing::AgentHome {
    LocalHome() {
        auto root = dir / "claude";
        env["CLAUDE_CONFIG_DIR"] = root.string();
        testing::write_file(root / "projects" / "-w-proj-a" / "s-a.jsonl",
                            claude_test::Assistant("msg_a1", "req_a1", 100, 200, 1000, 10)
                                    .session("s-a")
                                    .cwd("/w/proj-a")
                                    .at("2026-01-10T23:30:00.000Z")
                                    .line() +
                                claude_test::Assistant("msg_a2", "req_a2", 50, 0, 0, 20)
                                    .session("s-a")
                                    .cwd("/w/proj-a")
                                    .at("2026-01-11T08:00:00.000Z")
                                    .line());
        testing::write_file(root / "projects" / "-w-proj-b" / "s-b.jsonl",
                            claude_test::Assistant("msg_b1", "req_b1", 7, 0, 0, 3)
                                .model("claude-opus-4-1-20250805")
                                .session("s-b")
                                .cwd("/w/proj-b")
                                .at("2026-01-12T12:00:00.000Z")
                                .line());
    }
};

}  // namespace serve_test
