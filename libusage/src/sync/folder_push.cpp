// The folder push: the outbox after the folder's mark, as new append-only
// segments in this machine's subfolder; the mark moves once a segment is
// durably in place under its final name.
#include "usage/sync/folder_push.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stdexcept>

#include "sync/batch_body.hpp"
#include "sync/folder_segments.hpp"
#include "sync/ledger_push.hpp"
#include "usage/net/gzip.hpp"
#include "usage/os/durable_replace.hpp"
#include "usage/os/unique_fd.hpp"
#include "usage/os/wall_clock.hpp"
#include "usage/sync/folder_url.hpp"

namespace usage::sync {
namespace fs = std::filesystem;
namespace {

// A temporary file this old was left by a crashed push of this machine: a
// push in flight writes its temporary file within seconds.
constexpr std::int64_t kStaleTemporaryMs = 3'600'000;

bool is_temporary(const std::string& name) {
    return name.starts_with('.') && name.ends_with(".tmp");
}

void remove_stale_temporaries(const fs::path& own) {
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(own, ec), end; !ec && it != end; it.increment(ec)) {
        if (!is_temporary(it->path().filename().string())) continue;
        std::error_code age_ec;
        const auto written = it->last_write_time(age_ec);
        if (!age_ec && now - written > std::chrono::milliseconds(kStaleTemporaryMs)) fs::remove(it->path(), age_ec);
    }
}

std::uint64_t next_seq(const fs::path& own) {
    std::uint64_t next = 1;
    std::error_code ec;
    for (fs::directory_iterator it(own, ec), end; !ec && it != end; it.increment(ec))
        if (auto seq = segment_seq(it->path().filename().string())) next = std::max(next, *seq + 1);
    if (ec) throw std::runtime_error(own.string() + ": cannot list: " + ec.message());
    return next;
}

void write_all(const fs::path& path, const std::string& data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd.valid()) throw std::runtime_error(path.string() + ": cannot create: " + std::strerror(errno));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(path.string() + ": cannot write: " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd.release()) != 0) throw std::runtime_error(path.string() + ": cannot write: " + std::strerror(errno));
}

class SegmentWriter {
public:
    explicit SegmentWriter(fs::path own) : own_(std::move(own)), seq_(next_seq(own_)), rng_(std::random_device{}()) {}

    /// Put `compressed` in place as the next segment; returns its name.
    std::string publish(const std::string& compressed) {
        std::string hidden = ".";  // by append: GCC 12 -O3 warns (-Wrestrict) on "." + string
        hidden += nonce_hex();
        hidden += ".tmp";
        const fs::path temporary = own_ / hidden;
        try {
            write_all(temporary, compressed);
            flush_to_disk(temporary);
            const std::string name = give_name(temporary);
            flush_to_disk(own_);
            return name;
        } catch (...) {
            std::error_code ec;
            fs::remove(temporary, ec);
            throw;
        }
    }

private:
    fs::path own_;
    std::uint64_t seq_;
    std::mt19937_64 rng_;

    std::string nonce_hex() {
        char buf[20];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng_()));
        return buf;
    }

    // link(2) fails rather than replace an existing name, so even two writers
    // sharing a machine id (a copied state dir) never overwrite a segment;
    // where the file system has no hard links (FAT, some shares) an existence
    // check and rename(2) stand in.
    std::string give_name(const fs::path& temporary) {
        for (;; ++seq_) {
            const std::string name = segment_name(seq_, rng_());
            const fs::path target = own_ / name;
            if (::link(temporary.c_str(), target.c_str()) == 0) {
                ::unlink(temporary.c_str());
                ++seq_;
                return name;
            }
            if (errno == EEXIST) continue;
            if (errno != EPERM && errno != ENOTSUP && errno != ENOSYS && errno != EMLINK)
                throw std::runtime_error(target.string() + ": cannot create: " + std::strerror(errno));
            std::error_code ec;
            if (fs::exists(target, ec)) continue;
            if (std::rename(temporary.c_str(), target.c_str()) != 0)
                throw std::runtime_error(target.string() + ": cannot create: " + std::strerror(errno));
            ++seq_;
            return name;
        }
    }
};

std::string count_of(std::uint64_t n) {
    return std::to_string(n);
}

std::string segments_of(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " segment" : " segments");
}

}  // namespace

PushReport push_to_folder(Store& store, const FolderPushOptions& options) {
    Outbox outbox(store, options.endpoint);
    PushReport report;
    report.pending_before = outbox.pending();
    IngestBatch head;
    head.session_costs = unsent_session_costs(store, options.endpoint);
    if (report.pending_before.rows == 0 && head.session_costs.empty()) {
        report.message = "nothing to push";
        return report;
    }
    const PushState state = outbox.state();
    if (options.min_interval.count() > 0 && state.last_success_ms > 0 &&
        unix_now_ms() - state.last_success_ms < options.min_interval.count()) {
        report.still_queued = report.pending_before;
        report.message = (report.pending_before.rows > 0 ? describe_rows(report.pending_before, count_of)
                                                         : std::string("session costs")) +
                         " wait for the next segment (at most one every " +
                         std::to_string(options.min_interval.count() / 1000) + " s)";
        return report;
    }
    auto finish = [&](PushOutcome outcome, std::string message) {
        report.outcome = outcome;
        report.message = std::move(message);
        report.still_queued = outbox.pending();
        outbox.record_result(outcome == PushOutcome::delivered, report.message);
        return report;
    };

    fs::path own;
    std::optional<SegmentWriter> writer;
    try {
        const fs::path folder = folder_of_url(options.endpoint);
        std::error_code ec;
        // The shared folder is the team's: a missing one is an unmounted
        // share or a typo, which creating it would hide.
        if (!fs::is_directory(folder, ec))
            return finish(PushOutcome::unreachable,
                          folder.string() + ": the shared folder does not exist (sync.endpoint " + options.endpoint +
                              "); create or mount it: only this machine's subfolder is created in it");
        own = folder / options.machine.id;
        fs::create_directory(own, ec);
        if (ec) return finish(PushOutcome::unreachable, own.string() + ": cannot create: " + ec.message());
        remove_stale_temporaries(own);
        writer.emplace(own);
    } catch (const std::invalid_argument& e) {
        return finish(PushOutcome::refused, "sync.endpoint " + options.endpoint + " " + e.what());
    } catch (const std::exception& e) {
        return finish(PushOutcome::unreachable, e.what());
    }

    head.machine = options.machine;
    head.machine_variants = outbox.machine_variants(options.machine.id);
    // Each line is the batch the HTTP push would send, with the writer's user
    // in front: an endpoint takes the user from the token, a folder has none.
    const std::string user_prefix = "{\"user\":" + nlohmann::json(options.user).dump() + ",";
    OutboxMark mark = state.acknowledged;
    std::string segment;
    OutboxCount in_segment;
    std::vector<SessionCost> costs_in_segment;
    auto close_segment = [&] {
        writer->publish(gzip_compress(segment));
        if (in_segment.rows > 0) outbox.acknowledge(mark);
        acknowledge_session_costs(store, options.endpoint, costs_in_segment);
        report.sent.rows += in_segment.rows;
        report.sent.superseded += in_segment.superseded;
        report.sent.failed += in_segment.failed;
        report.session_costs += costs_in_segment.size();
        ++report.batches;
        segment.clear();
        in_segment = {};
        costs_in_segment.clear();
        if (options.on_progress) options.on_progress(report.sent.rows, report.pending_before.rows);
    };
    try {
        for (;;) {
            const auto items = outbox.next(mark, std::max<std::size_t>(1, options.batch_events), options.batch_bytes);
            if (items.empty() && head.session_costs.empty()) break;
            const std::string body = batch_body(head, items);
            segment += user_prefix;
            segment.append(body, 1);
            segment += '\n';
            count_rows(in_segment, items);
            costs_in_segment.insert(costs_in_segment.end(), head.session_costs.begin(), head.session_costs.end());
            head.session_costs.clear();  // the ledger's figures ride with the first line only
            if (!items.empty()) mark = items.back().mark;
            if (segment.size() >= options.segment_bytes) close_segment();
            if (items.empty()) break;
        }
        if (!segment.empty()) close_segment();
    } catch (const std::exception& e) {
        return finish(PushOutcome::unreachable, std::string(e.what()) + "; events stay queued for the next run");
    }
    std::string message =
        "wrote " + describe_rows(report.sent, count_of) + " in " + segments_of(report.batches) + " to " + own.string();
    if (report.session_costs > 0)
        message += " with " + std::to_string(report.session_costs) +
                   (report.session_costs == 1 ? " session cost" : " session costs");
    return finish(PushOutcome::delivered, message);
}

}  // namespace usage::sync
