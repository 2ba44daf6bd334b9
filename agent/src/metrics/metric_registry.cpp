#include "metric_registry.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace agent::metrics {
namespace {

void append_number(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else {
        char buf[32];
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, ec == std::errc() ? end : buf);
    }
}

void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (const char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (quote && c == '"')
            out += "\\\"";
        else
            out += c;
    }
}

const char* type_name(Type t) {
    switch (t) {
        case Type::counter: return "counter";
        case Type::gauge: return "gauge";
        case Type::histogram: return "histogram";
    }
    return "untyped";
}

// `name{labels}` or `name{labels,extra}`, then a space.
void append_sample_head(std::string& out, std::string_view name, const std::string& labels,
                        const std::string& extra = {}) {
    out += name;
    if (!labels.empty() || !extra.empty()) {
        out += '{';
        out += labels;
        if (!labels.empty() && !extra.empty()) out += ',';
        out += extra;
        out += '}';
    }
    out += ' ';
}

}  // namespace

std::string render_labels(const Labels& labels) {
    std::string out;
    for (const auto& [name, value] : labels) {
        if (!out.empty()) out += ',';
        out += name;
        out += "=\"";
        append_escaped(out, value, true);
        out += '"';
    }
    return out;
}

const std::vector<double>& Registry::buckets() {
    static const std::vector<double> b = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    return b;
}

void Registry::describe(const std::string& name, Type type, std::string help) {
    std::lock_guard lock(mutex_);
    auto& f = families_[name];
    f.type = type;
    f.help = std::move(help);
}

Registry::Series& Registry::series(std::string_view name, const Labels& labels, Type type) {
    auto it = families_.find(name);
    if (it == families_.end() || it->second.type != type)
        throw std::logic_error("metric " + std::string(name) + " is not described as a " + type_name(type));
    Series& s = it->second.series[render_labels(labels)];
    if (type == Type::histogram && s.counts.empty()) s.counts.assign(buckets().size(), 0);
    return s;
}

void Registry::add(std::string_view name, const Labels& labels, double value) {
    std::lock_guard lock(mutex_);
    series(name, labels, Type::counter).value += value;
}

void Registry::set(std::string_view name, const Labels& labels, double value) {
    std::lock_guard lock(mutex_);
    series(name, labels, Type::gauge).value = value;
}

void Registry::observe(std::string_view name, const Labels& labels, double value) {
    std::lock_guard lock(mutex_);
    Series& s = series(name, labels, Type::histogram);
    const auto& b = buckets();
    for (std::size_t i = 0; i < b.size(); ++i)
        if (value <= b[i]) {
            ++s.counts[i];
            break;
        }
    s.sum += value;
    ++s.count;
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
        // positive) on `"literal" + std::string`.
        out += "# HELP ";
        out += name;
        out += ' ';
        append_escaped(out, f.help, false);
        out += "\n# TYPE ";
        out += name;
        out += ' ';
        out += type_name(f.type);
        out += '\n';
        const std::string bucket = name + "_bucket", sum = name + "_sum", count = name + "_count";
        for (const auto& [labels, s] : f.series) {
            if (f.type != Type::histogram) {
                append_sample_head(out, name, labels);
                append_number(out, s.value);
                out += '\n';
                continue;
            }
            // Buckets are cumulative in the format, ending with +Inf = count.
            std::uint64_t running = 0;
            for (std::size_t i = 0; i < buckets().size(); ++i) {
                running += s.counts[i];
                std::string le = "le=\"";
                append_number(le, buckets()[i]);
                le += '"';
                append_sample_head(out, bucket, labels, le);
                out += std::to_string(running);
                out += '\n';
            }
            append_sample_head(out, bucket, labels, "le=\"+Inf\"");
            out += std::to_string(s.count);
            out += '\n';
            append_sample_head(out, sum, labels);
            append_number(out, s.sum);
            out += '\n';
            append_sample_head(out, count, labels);
            out += std::to_string(s.count);
            out += '\n';
        }
    }
    return out;
}

Registry& registry() {
    static Registry r;
    return r;
}

}  // namespace agent::metrics
