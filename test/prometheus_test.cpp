// The Prometheus text exposition of the metrics: the documented names, the
// format line by line, and histograms as Prometheus reads them.

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "registry_fixture.hpp"
#include <libregistry/prometheus.hpp>

using namespace libregistry;
using libregistry::test::key;
using libregistry::test::registry_fixture;

namespace {

const std::string name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const std::string label = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\"";
const std::regex help_line{"# HELP (" + name + ") \\S.*"};
const std::regex type_line{"# TYPE (" + name + ") (counter|gauge|histogram)"};
const std::regex sample_line{"(" + name + ")(?:\\{(" + label + "(?:," + label +
                             ")*)\\})? (\\S+)"};
const std::regex number{"[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|"
                        "[-+]?Inf|NaN"};

/// The family a sample belongs to: its name without a histogram suffix.
std::string family_of(const std::string& sample,
                      const std::map<std::string, std::string>& types) {
  for (auto suffix : {"_bucket", "_sum", "_count"}) {
    auto n = std::string{suffix}.size();
    if (sample.size() > n && sample.compare(sample.size() - n, n, suffix) == 0)
      if (auto base = sample.substr(0, sample.size() - n);
          types.count(base) > 0 && types.at(base) == "histogram")
        return base;
  }
  return sample;
}

/// A text read line by line: each family's type, the samples by name and
/// labels, and what is not the text format.
struct parsed {
  std::map<std::string, std::string> types;
  std::map<std::string, std::string> samples;
  std::vector<std::string> problems;
};

parsed parse(const std::string& text) {
  parsed result;
  if (text.empty() || text.back() != '\n')
    result.problems.push_back("no newline at the end");
  std::istringstream in{text};
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, help_line)) {
      if (result.types.count(m[1]) > 0)
        result.problems.push_back("HELP after TYPE: " + line);
    } else if (std::regex_match(line, m, type_line)) {
      if (!result.types.emplace(m[1], m[2]).second)
        result.problems.push_back("TYPE twice: " + line);
    } else if (std::regex_match(line, m, sample_line)) {
      if (!std::regex_match(m[3].str(), number))
        result.problems.push_back("not a number: " + line);
      if (result.types.count(family_of(m[1], result.types)) == 0)
        result.problems.push_back("sample before its TYPE: " + line);
      result.samples[m[1].str() + "{" + m[2].str() + "}"] = m[3];
    } else {
      result.problems.push_back("not a line of the format: " + line);
    }
  }
  return result;
}

const std::vector<std::string> none;

TEST(prometheus, the_check_refuses_what_is_not_the_text_format) {
  EXPECT_EQ(parse("# TYPE x counter\nx 1\n").problems, none);
  for (auto bad :
       {"# TYPE x counter\nx 1", "x 1\n", "# TYPE x counter\nx{op=a} 1\n",
        "# TYPE x counter\nx 1.2.3\n", "# TYPE x counter\n# TYPE x counter\n",
        "# TYPE x counter\n# HELP x late\n", "# TYPE x meter\n"})
    EXPECT_NE(parse(bad).problems, none) << bad;
}

TEST(prometheus, names_and_types_are_as_documented) {
  auto text = parse(to_prometheus(registry_metrics{}));
  EXPECT_EQ(text.problems, none);
  auto& types = text.types;
  auto& samples = text.samples;
  std::map<std::string, std::string> documented{
      {"libregistry_operations_total", "counter"},
      {"libregistry_request_duration_seconds", "histogram"},
      {"libregistry_registrations", "gauge"},
      {"libregistry_monitored_actors", "gauge"},
      {"libregistry_restarts_total", "counter"},
  };
  EXPECT_EQ(types, documented);
  EXPECT_EQ(samples.size(), 3u); // the gauges and the restarts
  EXPECT_EQ(samples["libregistry_restarts_total{}"], "0");
}

TEST(prometheus, samples_render_the_figures) {
  registry_metrics m;
  operation_metrics x;
  x.op = "register_name";
  x.outcomes = {{"ok", 2}, {"already_registered", 1}};
  x.duration.buckets.fill(2);
  x.duration.buckets[0] = 0;
  x.duration.count = 3;
  x.duration.sum_seconds = 3.5;
  m.operations.push_back(x);
  m.registrations = 4;
  m.monitored_actors = 2;
  m.restarts = 1;
  auto text = parse(to_prometheus(m));
  EXPECT_EQ(text.problems, none);
  auto& samples = text.samples;
  auto bucket = [&](const std::string& le) {
    return samples["libregistry_request_duration_seconds_bucket{op=\""
                   "register_name\",le=\"" +
                   le + "\"}"];
  };
  EXPECT_EQ(samples["libregistry_operations_total{op=\"register_name\","
                    "outcome=\"ok\"}"],
            "2");
  EXPECT_EQ(samples["libregistry_operations_total{op=\"register_name\","
                    "outcome=\"already_registered\"}"],
            "1");
  EXPECT_EQ(bucket("1e-06"), "0");
  EXPECT_EQ(bucket("2.5e-06"), "2");
  EXPECT_EQ(bucket("1e-05"), "2");
  EXPECT_EQ(bucket("0.0001"), "2");
  EXPECT_EQ(bucket("0.001"), "2");
  EXPECT_EQ(bucket("2.5"), "2");
  EXPECT_EQ(bucket("+Inf"), "3");
  EXPECT_EQ(samples["libregistry_request_duration_seconds_sum{op=\""
                    "register_name\"}"],
            "3.5");
  EXPECT_EQ(samples["libregistry_request_duration_seconds_count{op=\""
                    "register_name\"}"],
            "3");
  EXPECT_EQ(samples["libregistry_registrations{}"], "4");
  EXPECT_EQ(samples["libregistry_monitored_actors{}"], "2");
  EXPECT_EQ(samples["libregistry_restarts_total{}"], "1");
}

/// The buckets of `op`'s histogram in `samples`, by bound, smallest first
/// (`+Inf` last).
std::vector<std::pair<double, uint64_t>>
buckets_of(const std::map<std::string, std::string>& samples,
           const std::string& op) {
  std::vector<std::pair<double, uint64_t>> result;
  auto prefix =
      "libregistry_request_duration_seconds_bucket{op=\"" + op + "\",le=\"";
  for (auto at = samples.lower_bound(prefix);
       at != samples.end() && at->first.rfind(prefix, 0) == 0; ++at) {
    auto le = at->first.substr(prefix.size());
    le = le.substr(0, le.find('"'));
    result.emplace_back(le == "+Inf" ? HUGE_VAL : std::stod(le),
                        std::stoull(at->second));
  }
  std::sort(result.begin(), result.end());
  return result;
}

TEST(prometheus, a_running_registrys_text_parses_and_its_histograms_add_up) {
  registry_fixture fx;
  auto& client = fx.client();
  auto w = fx.worker();
  ASSERT_FALSE(client.register_name(key("a"), w));
  ASSERT_TRUE(client.register_name(key("a"), fx.worker()));
  ASSERT_TRUE(client.lookup(key("a")));
  ASSERT_TRUE(client.get_stats());
  auto text = parse(to_prometheus(fx.reg().metrics()));
  EXPECT_EQ(text.problems, none);
  auto& samples = text.samples;
  for (std::string op : {"register_name", "lookup", "get_stats"}) {
    auto buckets = buckets_of(samples, op);
    ASSERT_EQ(buckets.size(), request_duration_bounds.size() + 1) << op;
    for (size_t i = 1; i < buckets.size(); ++i)
      EXPECT_LE(buckets[i - 1].second, buckets[i].second) << op;
    auto count = samples["libregistry_request_duration_seconds_count{op=\"" +
                         op + "\"}"];
    EXPECT_EQ(buckets.back().first, HUGE_VAL) << op;
    EXPECT_EQ(std::to_string(buckets.back().second), count) << op;
  }
  EXPECT_EQ(samples["libregistry_request_duration_seconds_count{op=\""
                    "register_name\"}"],
            "2");
  EXPECT_EQ(samples["libregistry_registrations{}"], "1");
}

} // namespace
