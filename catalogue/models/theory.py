"""A programme's theory of change: the causal steps from what it does to the outcomes it aims for."""

from django.db import models

from .base import SHORT_NOTE_LENGTH, BoundedTextField
from .programme import Programme


class TheoryOfChangeStep(models.Model):
    """One step in a programme's theory of change: why doing X should lead to better outcome Y."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="theory_of_change")
    order = models.PositiveSmallIntegerField(default=0, help_text="Steps are shown in this order.")
    text = BoundedTextField(max_length=SHORT_NOTE_LENGTH, help_text="One causal step, in a sentence or two.")

    class Meta:
        ordering = ["programme", "order", "id"]
        verbose_name = "theory of change step"

    def __str__(self):
        return f"{self.programme}: step {self.order}"
