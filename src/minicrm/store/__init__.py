"""The data layer: schema, migrations and the service functions that hold the domain logic."""
