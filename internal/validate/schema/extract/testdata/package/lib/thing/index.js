"use strict";
// A hand-written imitation of the generated bindings' shape (not copied from the package).
Object.defineProperty(exports, "__esModule", { value: true });
const cdktn = require("cdktn");
const structs0_1 = require("./index-structs/structs0");
function thingRuleToHclTerraform(struct) {
    if (!cdktn.canInspect(struct)) {
        return struct;
    }
    const attrs = {
        name: {
            value: cdktn.stringToHclTerraform(struct.name),
            isBlock: false,
            type: "simple",
            storageClassType: "string",
        },
        ports: {
            value: cdktn.listMapperHcl(cdktn.numberToHclTerraform, false)(struct.ports),
            isBlock: false,
            type: "set",
            storageClassType: "numberList",
        },
        rule: {
            value: cdktn.listMapperHcl(thingRuleToHclTerraform, true)(struct.rule),
            isBlock: true,
            type: "list",
            storageClassType: "ThingRuleList",
        },
        target: {
            value: (0, structs0_1.thingRuleTargetToHclTerraform)(struct.target),
            isBlock: true,
            type: "list",
            storageClassType: "ThingRuleTargetList",
        },
    };
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined));
}
class ThingRuleOutputReference extends cdktn.ComplexObject {
    // name - computed: false, optional: false, required: true
    get name() {
        return this.getStringAttribute('name');
    }
    // ports - computed: false, optional: true, required: false
    // rule - computed: false, optional: true, required: false
    // target - computed: false, optional: false, required: true
    // rule_id - computed: true, optional: false, required: false
}
function thingMarkerToHclTerraform(struct) {
    const attrs = {};
    return attrs;
}
function thingSettingsToHclTerraform(struct) {
    const attrs = {
        level: {
            value: cdktn.numberToHclTerraform(struct.level),
            isBlock: false,
            type: "simple",
            storageClassType: "number",
        },
    };
    return attrs;
}
function thingIngressToHclTerraform(struct) {
    const attrs = {
        cidr: {
            value: struct.cidr === undefined ? null : cdktn.listMapperHcl(cdktn.stringToHclTerraform, false)(struct.cidr),
            isBlock: false,
            type: "list",
            storageClassType: "stringList",
        },
    };
    return attrs;
}
function thingTimeoutsToHclTerraform(struct) {
    const attrs = {
        create: {
            value: cdktn.stringToHclTerraform(struct.create),
            isBlock: false,
            type: "simple",
            storageClassType: "string",
        },
    };
    return attrs;
}
class ThingSettingsOutputReference extends cdktn.ComplexObject {
    // level - computed: true, optional: true, required: false
}
class ThingIngressOutputReference extends cdktn.ComplexObject {
    // cidr - computed: false, optional: true, required: false
}
class ThingTimeoutsOutputReference extends cdktn.ComplexObject {
    // create - computed: false, optional: true, required: false
}
class ThingSecretOutputReference extends cdktn.ComplexObject {
    // kms_key_id - computed: true, optional: false, required: false
    get kmsKeyId() {
        return this.getStringAttribute('kms_key_id');
    }
}
class ThingSecretList extends cdktn.ComplexList {
}
class Thing extends cdktn.TerraformResource {
    static tfResourceType = "aws_thing";
    constructor(scope, id, config) {
        super(scope, id, {
            terraformResourceType: 'aws_thing',
            terraformGeneratorMetadata: {
                providerName: 'aws',
                providerVersion: '9.9.9',
                providerVersionConstraint: '~> 9.0'
            },
        });
    }
    // secret - computed: true, optional: false, required: false
    _secret = new ThingSecretList(this, "secret", false);
    get secret() {
        return this._secret;
    }
    // ports - computed: true, optional: false, required: false
    get ports() {
        return cdktn.Token.asNumberList(cdktn.Fn.tolist(this.getNumberListAttribute('ports')));
    }
    // token_wo - computed: false, optional: true, required: false
    _tokenWo;
    /**
    * @deprecated Write-only: the provider never returns this value; reading it always yields null by protocol contract.
    */
    get tokenWo() {
        return this.getStringAttribute('token_wo');
    }
    // master_password - computed: false, optional: true, required: false
    // arn - computed: true, optional: false, required: false
    // bucket - computed: false, optional: false, required: true
    // labels - computed: false, optional: true, required: false
    // ingress - computed: true, optional: true, required: false
    // marker - computed: false, optional: true, required: false
    // rule - computed: false, optional: false, required: true
    // settings - computed: true, optional: true, required: false
    // timeouts - computed: false, optional: true, required: false
    synthesizeHclAttributes() {
        const attrs = {
            bucket: {
                value: cdktn.stringToHclTerraform(this._bucket),
                isBlock: false,
                type: "simple",
                storageClassType: "string",
            },
            labels: {
                value: cdktn.hashMapperHcl(cdktn.listMapperHcl(cdktn.stringToHclTerraform, false))(this._labels),
                isBlock: false,
                type: "map",
                storageClassType: "stringListMap",
            },
            ingress: {
                value: cdktn.listMapperHcl(thingIngressToHclTerraform, false)(this._ingress.internalValue),
                isBlock: true,
                type: "set",
                storageClassType: "ThingIngressList",
            },
            marker: {
                value: thingMarkerToHclTerraform(this._marker.internalValue),
                isBlock: true,
                type: "list",
                storageClassType: "ThingMarkerList",
            },
            rule: {
                value: cdktn.listMapperHcl(thingRuleToHclTerraform, true)(this._rule.internalValue),
                isBlock: true,
                type: "set",
                storageClassType: "ThingRuleList",
            },
            settings: {
                value: thingSettingsToHclTerraform(this._settings.internalValue),
                isBlock: true,
                type: "struct",
                storageClassType: "ThingSettings",
            },
            timeouts: {
                value: thingTimeoutsToHclTerraform(this._timeouts.internalValue),
                isBlock: true,
                type: "struct",
                storageClassType: "ThingTimeouts",
            },
        };
        return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined));
    }
}
exports.Thing = Thing;
//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==
