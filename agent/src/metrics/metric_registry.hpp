// The counters, gauges and histograms `serve` and `run` expose at /metrics,
// rendered in Prometheus' text exposition format (version 0.0.4), the format
// every scraper and agent (Prometheus, Grafana Agent, OpenTelemetry
// Collector, Datadog) reads.
//
// One registry per process (metrics::registry()): request handlers, the scan
// and push workers and the listener reach it from any thread, and a family
// is described once, at startup, by whoever owns it (so a scrape shows every
// family, with HELP and TYPE, before its first sample).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agent::metrics {

/// Label names and values, in the order they are shown.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Type { counter, gauge, histogram };

class Registry {
public:
    /// Declares a family. A sample of an undeclared family is a programming
    /// error (std::logic_error), so a typo in a name cannot go unseen.
    void describe(const std::string& name, Type type, std::string help);

    /// Counter: adds `value` (>= 0).
    void add(std::string_view name, const Labels& labels = {}, double value = 1);
    /// Gauge: sets it.
    void set(std::string_view name, const Labels& labels, double value);
    /// Histogram: one observation (seconds, for the duration families).
    void observe(std::string_view name, const Labels& labels, double value);

    /// Every family in name order, as Prometheus text.
    [[nodiscard]] std::string render() const;

    /// The upper bounds of every histogram's buckets (Prometheus' defaults).
    static const std::vector<double>& buckets();

private:
    struct Series {
        double value = 0;                   // counter, gauge
        std::vector<std::uint64_t> counts;  // histogram: per bucket (not cumulative)
        double sum = 0;
        std::uint64_t count = 0;
    };
    struct Family {
        Type type = Type::counter;
        std::string help;
        std::map<std::string, Series> series;  // by rendered label set
    };
    Series& series(std::string_view name, const Labels& labels, Type type);

    mutable std::mutex mutex_;
    std::map<std::string, Family, std::less<>> families_;
};

/// This process's registry.
Registry& registry();

/// `name="value",...` with Prometheus' escapes (backslash, quote, newline).
std::string render_labels(const Labels& labels);

}  // namespace agent::metrics
