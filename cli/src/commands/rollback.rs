use crate::output::{CliError, print_json};

pub type Args = super::AppArgs;

pub fn run(a: Args) -> Result<(), CliError> {
    let (id, rt) = a.open()?;
    let (from, to) = rt.rollback(&id)?;
    if a.json {
        print_json(&serde_json::json!({
            "id": id.as_str(),
            "from": from.to_string(),
            "to": to.to_string(),
        }));
        return Ok(());
    }
    println!("{id} rolled back from {from} to {to}; updates skip {from} from now on");
    Ok(())
}
