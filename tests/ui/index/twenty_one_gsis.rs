use dynamo_types::DynamoModel;

#[derive(DynamoModel)]
#[dynamo(table = "posts")]
#[dynamo(gsi(name = "gsi_1", hash = "f1"))]
#[dynamo(gsi(name = "gsi_2", hash = "f2"))]
#[dynamo(gsi(name = "gsi_3", hash = "f3"))]
#[dynamo(gsi(name = "gsi_4", hash = "f4"))]
#[dynamo(gsi(name = "gsi_5", hash = "f5"))]
#[dynamo(gsi(name = "gsi_6", hash = "f6"))]
#[dynamo(gsi(name = "gsi_7", hash = "f7"))]
#[dynamo(gsi(name = "gsi_8", hash = "f8"))]
#[dynamo(gsi(name = "gsi_9", hash = "f9"))]
#[dynamo(gsi(name = "gsi_10", hash = "f10"))]
#[dynamo(gsi(name = "gsi_11", hash = "f11"))]
#[dynamo(gsi(name = "gsi_12", hash = "f12"))]
#[dynamo(gsi(name = "gsi_13", hash = "f13"))]
#[dynamo(gsi(name = "gsi_14", hash = "f14"))]
#[dynamo(gsi(name = "gsi_15", hash = "f15"))]
#[dynamo(gsi(name = "gsi_16", hash = "f16"))]
#[dynamo(gsi(name = "gsi_17", hash = "f17"))]
#[dynamo(gsi(name = "gsi_18", hash = "f18"))]
#[dynamo(gsi(name = "gsi_19", hash = "f19"))]
#[dynamo(gsi(name = "gsi_20", hash = "f20"))]
#[dynamo(gsi(name = "gsi_21", hash = "f21"))]
struct Post {
    #[dynamo(hash)]
    post_id: String,
    f1: String,
    f2: String,
    f3: String,
    f4: String,
    f5: String,
    f6: String,
    f7: String,
    f8: String,
    f9: String,
    f10: String,
    f11: String,
    f12: String,
    f13: String,
    f14: String,
    f15: String,
    f16: String,
    f17: String,
    f18: String,
    f19: String,
    f20: String,
    f21: String,
}

fn main() {}
