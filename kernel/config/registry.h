// Internals of the configuration registry, shared by the files of kernel/config only: the
// parameter record, its value parsers (Redis's rules and error texts) and the registry itself.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernel/config/config.h"

namespace lunar::config {

// How a parameter's value is written: decides the CONFIG SET parser, the TOML types the file
// may use and how CONFIG REWRITE writes it back.
enum class Kind {
  kBool,    // yes/no; TOML true/false or "yes"/"no"
  kInt,     // a strict integer (Redis's string2ll)
  kMemory,  // bytes with an optional unit: 1k 1kb 1m 1mb 1g 1gb (b and case ignored)
  kEnum,    // one of a fixed list of words, any case; printed lower case
  kString,  // free text
  kWords,   // space-separated words (bind); TOML array of strings
  kOctal,   // an octal permission mask (unixsocketperm); a TOML integer's digits are octal
  kSave,    // "<seconds> <changes>" pairs (save); TOML string or array
};

enum ParamFlag : unsigned {
  kImmutable = 1u << 0,  // only the file or the command line may set it
  kProtected = 1u << 1,  // Redis 7.0's protected configs (dir, dbfilename): no CONFIG SET
  kUnits = 1u << 2,      // kInt that also takes a memory value ("2mb"): module INT parameters
};

// Outcome of storing a value: kInvalid when the text is not an allowed value (the file error
// then says what is allowed), kFailed when a valid value could not be put in place (chdir
// failed, a module's on_change refused it).
enum class SetStatus { kOk, kInvalid, kFailed };

struct Param {
  std::string name;   // Redis's name, lower case
  std::string alias;  // an old name answered too (lua-time-limit), or empty
  Kind kind = Kind::kString;
  unsigned flags = 0;
  long long min = 0, max = 0;            // kInt, kMemory
  std::vector<std::string> enum_values;  // kEnum
  std::string default_text;              // as CONFIG SET would take it
  std::string allowed_text;              // overrides the kind's description in allowed()
  // The current value as CONFIG GET prints it.
  std::function<std::string()> get;
  // Parses `text` and stores it; on failure nothing changed and *err holds Redis's CONFIG SET
  // error text ("argument must be 'yes' or 'no'").
  std::function<SetStatus(std::string_view text, std::string* err)> set;
  lunar_module* owner = nullptr;  // null for the kernel's own

  // What the file may hold, for startup errors: "must be an integer between 0 and 65535".
  std::string allowed() const;
};

// ---------------------------------------------------------------------------------------------
// Value parsers with Redis 7.0's rules; each returns false with *err set to Redis's text.
// ---------------------------------------------------------------------------------------------
bool parse_bool(std::string_view s, bool* out, std::string* err);
// kInt and kMemory, with p.min/p.max.
bool parse_number(const Param& p, std::string_view s, long long* out, std::string* err);
// Index of `s` in p.enum_values, any case.
bool parse_enum(const Param& p, std::string_view s, size_t* out, std::string* err);
// Redis's memtoull: digits then an optional unit; no sign, no spaces. Saturates on overflow.
bool parse_memory(std::string_view s, unsigned long long* out);
// Splits on runs of spaces and tabs.
std::vector<std::string> split_words(std::string_view s);
std::string lower(std::string_view s);

// ---------------------------------------------------------------------------------------------
// Parameter builders over kernel storage (kernel_params.cc) and module storage (registry.cc).
// ---------------------------------------------------------------------------------------------
std::unique_ptr<Param> bool_param(std::string name, long long* storage, bool def);
std::unique_ptr<Param> int_param(std::string name, Kind kind, long long min, long long max,
                                 long long def, std::function<long long()> load,
                                 std::function<void(long long)> store);
std::unique_ptr<Param> enum_param(std::string name, std::string* storage,
                                  std::vector<std::string> values, std::string def);
std::unique_ptr<Param> string_param(std::string name, std::string* storage, std::string def);

// ---------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------
class Registry {
 public:
  void clear();
  // Adds `p`; LUNAR_EEXIST (and `p` dropped) when its name or alias is taken.
  int add(std::unique_ptr<Param> p);
  // By name or alias, any case; *matched (if given) receives the lower-case name that matched.
  Param* find(std::string_view name, std::string* matched = nullptr) const;
  // Removes the parameters `pred` selects.
  void remove_if(const std::function<bool(const Param&)>& pred);
  // Every name and alias (lower case) with its parameter, sorted.
  const std::map<std::string, Param*>& names() const { return names_; }
  const std::vector<std::unique_ptr<Param>>& params() const { return params_; }

 private:
  std::vector<std::unique_ptr<Param>> params_;  // registration order
  std::map<std::string, Param*> names_;
};

Registry& registry();

// CONFIG SET's transaction: all pairs are stored or none (Redis 7.0's order of checks, rollback
// and apply hooks). Returns an empty string on success, else the whole error reply text.
std::string set_atomic(const std::vector<std::pair<std::string_view, std::string_view>>& pairs);

// CONFIG REWRITE (rewrite.cc): `text` (a TOML file) with the current values written in;
// rewrite_file() does it to a file atomically, false with *err = strerror's text.
std::string rewrite_text(const std::string& text);
bool rewrite_file(const std::string& path, std::string* err);

// Binds the kernel settings (kernel_params.cc).
void add_kernel_params(Registry* r);

// Startup state (startup.cc): forgets pending values, the module list and the plugin list.
void reset_startup_state();
// Applies the values given at startup for `p` (module registration), in the order given;
// false with *err in the load_startup message style. The values are consumed either way.
bool apply_pending(Param* p, std::string* err);

}  // namespace lunar::config
