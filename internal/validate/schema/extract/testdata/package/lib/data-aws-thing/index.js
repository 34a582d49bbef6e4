"use strict";
const cdktn = require("cdktn");
class DataAwsThing extends cdktn.TerraformDataSource {
    static tfResourceType = "aws_thing";
    // name - computed: false, optional: true, required: false
    // arn - computed: true, optional: false, required: false
    synthesizeHclAttributes() {
        const attrs = {
            name: {
                value: cdktn.stringToHclTerraform(this._name),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
        };
        return attrs;
    }
}
