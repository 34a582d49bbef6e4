"use strict";
const cdktn = require("cdktn");
function thingRuleTargetToHclTerraform(struct) {
    const attrs = {
        arn: {
            value: cdktn.stringToHclTerraform(struct.arn),
            isBlock: false,
            type: "simple",
            storageClassType: "string",
        },
    };
    return attrs;
}
class ThingRuleTargetOutputReference extends cdktn.ComplexObject {
    // arn - computed: false, optional: false, required: true
}
