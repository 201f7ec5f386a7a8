"""The indicator dataset: sourced figures, honours and events."""
from .dataset import Dataset, Fact, Indicator, Value, load_dataset, period_sort_key

__all__ = ["Dataset", "Fact", "Indicator", "Value", "load_dataset", "period_sort_key"]
