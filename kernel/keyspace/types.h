// The registry entry of a value type. The kernel knows no data type: a type is a name and the
// callbacks a module registered (lunar_type_methods); keys hold opaque values tagged with it.
#pragma once
#include <lunar/lunar.h>

#include <string>


struct lunar_type {
  std::string name;
  lunar_type_methods methods{};  // copied; fields past the module's struct_size are null
  void* type_ctx = nullptr;
  lunar_module* owner = nullptr;  // nullptr for kernel-owned types
  long long live_values = 0;          // values of this type in the keyspace (unload guard)
  std::string rdb_types;              // declared RDB type bytes
};

namespace lunar {
using TypeRec = lunar_type;

inline void free_value(const TypeRec* t, void* v) {
  if (t->methods.free_value) t->methods.free_value(t->type_ctx, v);
}
}  // namespace lunar
