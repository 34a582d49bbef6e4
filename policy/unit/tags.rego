# Every unit tags its resources with the required tags.
package olechka.unit.tags

import data.olechka.lib

tag_inputs := ["tags", "default_tags", "common_tags"]

tags := object.union_n([t | some name in tag_inputs; t := lib.value(name); is_object(t)])

tagged if {
	some name in tag_inputs
	is_object(lib.value(name))
}

deny contains lib.msg("required-tags", "inputs.tags", sprintf("%s misses required tags: %s", [input.olechka.path, concat(", ", sort(missing))])) if {
	tagged
	missing := {t | some t in lib.required_tags; not has_tag(t)}
	count(missing) > 0
}

deny contains lib.msg("required-tags", "inputs", sprintf("%s passes no tags (inputs.tags); required: %s", [input.olechka.path, concat(", ", sort(lib.required_tags))])) if {
	not tagged
	input.olechka.module != ""
}

has_tag(t) if {
	v := tags[t]
	is_string(v)
	v != ""
}
