// Time ranges and buckets in an IANA time zone.
#include "analytics/time_zone.hpp"

#include <date/date.h>
#include <date/iso_week.h>
#include <date/tz.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "usage/analytics/analytics.hpp"

namespace usage {
namespace detail {

using Ms = std::chrono::milliseconds;
using SysMs = date::sys_time<Ms>;

const date::time_zone* zone(const std::string& name) {
    try {
        return date::locate_zone(name);
    } catch (const std::exception&) {
        throw std::invalid_argument("unknown time zone '" + name + "' (use an IANA name such as Europe/Berlin)");
    }
}

std::string bucket_key(std::int64_t utc_ms, const date::time_zone* tz, char kind) {
    auto local = tz->to_local(SysMs{Ms{utc_ms}});
    auto day = date::floor<date::days>(local);
    date::year_month_day ymd{day};
    char buf[32];
    int y = static_cast<int>(ymd.year());
    unsigned m = static_cast<unsigned>(ymd.month());
    unsigned d = static_cast<unsigned>(ymd.day());
    switch (kind) {
        case 'h': {
            auto hour = date::floor<std::chrono::hours>(local - day).count();
            std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d", y, m, d, static_cast<int>(hour));
            break;
        }
        case 'w': {
            iso_week::year_weeknum_weekday iw{day};
            std::snprintf(buf, sizeof buf, "%04d-W%02u", static_cast<int>(iw.year()),
                          static_cast<unsigned>(iw.weeknum()));
            break;
        }
        case 'm': std::snprintf(buf, sizeof buf, "%04d-%02u", y, m); break;
        default: std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d); break;
    }
    return buf;
}

std::int64_t local_midnight_ms(const date::time_zone* tz, date::local_days day) {
    // `earliest` picks the first instant when midnight is ambiguous (DST fall
    // back); a skipped midnight resolves to the first valid instant after it.
    auto info = tz->get_info(day);
    date::sys_time<Ms> t;
    if (info.result == date::local_info::nonexistent)
        t = date::sys_time<Ms>{info.second.begin};
    else
        t = tz->to_sys(date::local_time<Ms>{day}, date::choose::earliest);
    return t.time_since_epoch().count();
}

namespace {

date::local_days parse_date(const std::string& text, const char* what) {
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
        throw std::invalid_argument(std::string(what) + " must be YYYY-MM-DD, got '" + text + "'");
    date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
    if (!ymd.ok()) throw std::invalid_argument(std::string(what) + " is not a valid date: '" + text + "'");
    return date::local_days{ymd};
}

}  // namespace
}  // namespace detail

void validate_time_zone(const std::string& tz) {
    (void)detail::zone(tz);
}

std::string local_time_zone() {
    // TZ wins, as for every other program (":Europe/Berlin" form included).
    if (const char* tz = std::getenv("TZ"); tz && *tz) {
        std::string name = tz[0] == ':' ? tz + 1 : tz;
        try {
            return std::string(date::locate_zone(name)->name());
        } catch (const std::exception&) {
            // Not an IANA name (e.g. a POSIX rule string): fall back to the system zone.
        }
    }
    try {
        return std::string(date::current_zone()->name());
    } catch (const std::exception&) {
        return "UTC";
    }
}

std::string format_utc_ms(std::int64_t ms) {
    return date::format("%FT%TZ", detail::SysMs{detail::Ms{ms}});
}

std::string format_local_ms(std::int64_t utc_ms, const std::string& tz, bool with_time) {
    const auto local = detail::zone(tz)->to_local(detail::SysMs{detail::Ms{utc_ms}});
    return with_time ? date::format("%F %H:%M", date::floor<std::chrono::minutes>(local))
                     : date::format("%F", date::floor<date::days>(local));
}

TimeRange resolve_range(const std::string& name, const std::string& since_date, const std::string& until_date,
                        const std::string& tz_name, std::int64_t now_ms) {
    using namespace detail;
    const date::time_zone* tz = zone(tz_name);
    TimeRange r;
    if (!since_date.empty() || !until_date.empty()) {
        if (!since_date.empty()) r.since_ms = local_midnight_ms(tz, parse_date(since_date, "--since"));
        if (!until_date.empty()) r.until_ms = local_midnight_ms(tz, parse_date(until_date, "--until") + date::days{1});
        if (r.since_ms && r.until_ms && *r.since_ms >= *r.until_ms)
            throw std::invalid_argument("--since must not be after --until");
        return r;
    }
    auto today = date::floor<date::days>(tz->to_local(SysMs{Ms{now_ms}}));
    date::year_month_day ymd{today};
    if (name == "all" || name.empty()) return r;
    if (name == "today")
        r.since_ms = local_midnight_ms(tz, today);
    else if (name == "24h")
        r.since_ms = now_ms - 24LL * 3600 * 1000;
    else if (name == "7d")
        r.since_ms = local_midnight_ms(tz, today - date::days{6});
    else if (name == "30d")
        r.since_ms = local_midnight_ms(tz, today - date::days{29});
    else if (name == "month")
        r.since_ms = local_midnight_ms(tz, date::local_days{ymd.year() / ymd.month() / 1});
    else if (name == "year")
        r.since_ms = local_midnight_ms(tz, date::local_days{ymd.year() / 1 / 1});
    else
        throw std::invalid_argument("unknown range '" + name + "' (use today, 24h, 7d, 30d, month, year or all)");
    return r;
}

}  // namespace usage
