;; The Extism floor (`extism_wat*` rows): a hand-written plugin whose `usage_x1000` calls the
;; host function `storage_usage` (module "extism:host/user", returning an i64 directly rather
;; than through Extism's kernel memory) 1,000 times, and whose `noop` returns at once (for cold
;; and warm start). Not what an Extism user ships (that is `plugin/`, built with extism-pdk):
;; it shows the least Extism itself costs.
(module
  (import "extism:host/user" "storage_usage" (func $usage (result i64)))
  (func (export "noop") (result i32)
    i32.const 0)
  (func (export "usage_x1000") (result i32)
    (local $i i32)
    (local $used i64)
    (loop $calls
      (local.set $used (call $usage))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $calls (i32.lt_u (local.get $i) (i32.const 1000))))
    i32.const 0))
