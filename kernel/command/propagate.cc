// Propagation of changes: see propagate.h.
#include "kernel/command/propagate.h"

#include <string>
#include <vector>

#include "kernel/module/module.h"

namespace lunar::propagate {
namespace {

struct Listener {
  lunar_module* owner;
  lunar_propagate_fn fn;
  void* priv;
};
struct Op {
  int db;
  std::vector<std::string> argv;
};

std::vector<Listener> g_listeners;
std::vector<Op> g_unit;      // commands collected in the current unit
std::vector<Op> g_explicit;  // what the running command passed to lunar_replicate
bool g_explicit_used = false;

Op make_op(int db, int argc, const lunar_str* argv) {
  Op op{db, {}};
  op.argv.reserve(static_cast<size_t>(argc));
  for (int i = 0; i < argc; i++) op.argv.emplace_back(argv[i].ptr, argv[i].len);
  return op;
}

void emit(const Op& op) {
  std::vector<lunar_str> av;
  av.reserve(op.argv.size());
  for (const std::string& a : op.argv) av.push_back({a.data(), a.size()});
  for (const Listener& l : g_listeners) l.fn(l.priv, op.db, static_cast<int>(av.size()), av.data());
}
}  // namespace

int register_listener(lunar_module* m, lunar_propagate_fn fn, void* priv) {
  if (!m || !m->initializing) return LUNAR_ESTATE;
  if (!fn) return LUNAR_EINVAL;
  g_listeners.push_back({m, fn, priv});
  return LUNAR_OK;
}

int replicate(lunar_ctx* ctx, int argc, const lunar_str* argv) {
  if (argc < 1 || !argv) return LUNAR_EINVAL;
  g_explicit.push_back(make_op(ctx->db, argc, argv));
  g_explicit_used = true;
  return LUNAR_OK;
}

void forget_module(lunar_module* m) {
  std::erase_if(g_listeners, [m](const Listener& l) { return l.owner == m; });
}

void command_starting() {
  g_explicit.clear();
  g_explicit_used = false;
}

// Only write commands propagate as themselves: EXEC and scripts have their inner commands
// propagate instead.
void command_finished(const Ctx* ctx, int argc, const lunar_str* argv, bool wrote) {
  if (g_explicit_used) {
    for (Op& op : g_explicit) g_unit.push_back(std::move(op));
  } else if (wrote && (ctx->cmd->flags & kCmdWrite) && !g_listeners.empty()) {
    g_unit.push_back(make_op(ctx->db, argc, argv));
  }
  g_explicit.clear();
  g_explicit_used = false;
}

void effects_only() {
  g_explicit.clear();
  g_explicit_used = true;
}

void flush_unit() {
  if (g_unit.empty()) return;
  if (!g_listeners.empty()) {
    bool wrap = g_unit.size() > 1;
    if (wrap) emit({g_unit.front().db, {"MULTI"}});
    for (const Op& op : g_unit) emit(op);
    if (wrap) emit({g_unit.front().db, {"EXEC"}});
  }
  g_unit.clear();
}

}  // namespace lunar::propagate
